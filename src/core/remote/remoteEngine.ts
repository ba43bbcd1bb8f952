// Everything that talks to a remote, as one bundle of its own (dist/remoteEngine.js):
// the S3 client and the transfers. The extension and the CLI load it through
// loadRemoteEngine.ts only when a remote is used, so neither pays for it at start-up.
export { openS3ObjectStore } from './s3ObjectStore';
export { probeConditionalWrites, pullFromRemote, pushToRemote, syncWithRemote } from './remoteSync';
export { eventsToPush } from './journalTransfer';
