import { existsSync } from 'node:fs';

/**
 * End-to-end tests run against the real test bed. When it is not up they fail
 * here with a clear reason instead of being skipped and counted as passing.
 */
export default function setup(): void {
  const kubeconfig = process.env.DEVSPACE_TEST_KUBECONFIG;
  if (!kubeconfig || !existsSync(kubeconfig)) {
    throw new Error(
      'end-to-end tests need the test bed: run `npm test` (it starts it) or `npm run testbed:up` and ' +
        'set DEVSPACE_TEST_KUBECONFIG=testbed/kubeconfig',
    );
  }
}
