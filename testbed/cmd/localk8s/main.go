// Command localk8s is a multi-call binary holding the upstream Kubernetes
// components used by the devspace test bed. Each component still runs in its
// own process (upstream code keeps process-wide signal handlers and feature
// gates), so the first argument picks exactly one of them.
package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
	kubectl "k8s.io/kubectl/pkg/cmd"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: localk8s <etcd|apiserver|controller-manager|scheduler|kubelet|proxy|kubectl> [flags]")
		os.Exit(2)
	}
	name, args := os.Args[1], os.Args[2:]
	if name == "etcd" {
		os.Exit(runEtcd(args))
	}
	var cmd *cobra.Command
	switch name {
	case "apiserver":
		cmd = apiserver.NewAPIServerCommand()
	case "controller-manager":
		cmd = controllermanager.NewControllerManagerCommand()
	case "scheduler":
		cmd = scheduler.NewSchedulerCommand()
	case "kubelet":
		cmd = kubelet.NewKubeletCommand(context.Background())
	case "proxy":
		cmd = proxy.NewProxyCommand()
	case "kubectl":
		// Debian's kubectl is 1.20, far outside the version skew policy for a 1.34 server.
		cmd = kubectl.NewDefaultKubectlCommand()
	default:
		fmt.Fprintf(os.Stderr, "localk8s: unknown component %q\n", name)
		os.Exit(2)
	}
	cmd.SetArgs(args)
	os.Exit(cli.Run(cmd))
}

// runEtcd starts a single-member embedded etcd: args are the data dir and,
// optionally, the client URL. Fsync is off because the test bed's data is
// disposable and fsync dominates apiserver latency on a small VM.
func runEtcd(args []string) int {
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "usage: localk8s etcd <data-dir> [client-url]")
		return 2
	}
	cfg := embed.NewConfig()
	cfg.Dir = args[0]
	cfg.UnsafeNoFsync = true
	cfg.LogLevel = "warn"
	client := "http://127.0.0.1:2379"
	if len(args) > 1 {
		client = args[1]
	}
	cu, err := url.Parse(client)
	if err != nil {
		fmt.Fprintln(os.Stderr, "localk8s etcd:", err)
		return 2
	}
	pu, _ := url.Parse("http://127.0.0.1:2380")
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*cu}, []url.URL{*cu}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*pu}, []url.URL{*pu}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "localk8s etcd:", err)
		return 1
	}
	defer e.Close()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-e.Server.ReadyNotify():
		fmt.Fprintln(os.Stderr, "etcd ready on", client)
	case <-sig:
		return 0
	}
	select {
	case err := <-e.Err():
		fmt.Fprintln(os.Stderr, "localk8s etcd:", err)
		return 1
	case <-sig:
		return 0
	}
}
