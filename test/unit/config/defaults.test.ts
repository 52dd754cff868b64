import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TERMINAL_COMMAND,
  forwardBindAddress,
  forwardRemotePort,
  imageContext,
  imageDockerfile,
  parseConfigText,
  resolveDefaults,
  terminalCommand,
} from '../../../src/engine/config/index.js';

describe('defaults', () => {
  it('fill in what v3.5 assumed for missing keys', () => {
    expect(imageDockerfile({ image: 'a' })).toBe('./Dockerfile');
    expect(imageContext({ image: 'a' })).toBe('./');
    expect(imageDockerfile({ image: 'a', dockerfile: 'x' }, { name: 'a', dockerfile: 'dev' })).toBe('dev');
    expect(forwardBindAddress({ port: 1 })).toBe('127.0.0.1');
    expect(forwardRemotePort({ port: 8080 })).toBe(8080);
    expect(forwardRemotePort({ port: 8080, remotePort: 80 })).toBe(80);
    expect(terminalCommand()).toEqual(['sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash || exec sh']);
    expect(terminalCommand({ command: ['zsh'] })).toEqual(['zsh']);
  });

  it('resolveDefaults writes them into a copy', async () => {
    const { config } = await parseConfigText(
      'images:\n  a: {image: x}\ndeployments:\n- name: k\n  kubectl: {manifests: [m]}\n' +
        'dev:\n  terminal: {}\n  ports:\n  - labelSelector: {a: b}\n    forward: [{port: 3000}]\n  sync:\n  - labelSelector: {a: b}\n',
      'devspace.yaml',
      { env: {} },
    );
    const full = resolveDefaults(config);
    expect(full.images?.a).toEqual({ image: 'x', dockerfile: './Dockerfile', context: './' });
    expect(full.dev?.ports?.[0]?.forward[0]).toEqual({ port: 3000, remotePort: 3000, bindAddress: '127.0.0.1' });
    expect(full.dev?.sync?.[0]).toMatchObject({ localSubPath: '.', containerPath: '.' });
    expect(full.dev?.terminal?.command).toEqual([...DEFAULT_TERMINAL_COMMAND]);
    expect(full.deployments?.[0]?.kubectl?.cmdPath).toBe('kubectl');
    expect(config.images?.a).toEqual({ image: 'x' });
  });
});
