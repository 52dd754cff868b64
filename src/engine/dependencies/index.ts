export { resolveDependencies, type ResolvedDependency, type ResolveOptions } from './resolve.js';
export { buildDependencies, deployDependencies, purgeDependencies, type DependencyRunOptions } from './run.js';
