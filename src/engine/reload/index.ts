export { reloadMatcher, reloadPatterns, type ReloadMatcher } from './patterns.js';
export { watchForReload, type ReloadWatchOptions } from './watcher.js';
