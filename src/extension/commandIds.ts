// Every command id in one place, matching package.json's contributes.commands.
export const COMMANDS = {
  openQueue: 'evalloop.openQueue',
  captureFile: 'evalloop.captureFile',
  rescanWorkspace: 'evalloop.rescanWorkspace',
  autoGrade: 'evalloop.autoGrade',
  showStatus: 'evalloop.showStatus',
  refreshViews: 'evalloop.refreshViews',
  openItem: 'evalloop.openItem',
  openRunSource: 'evalloop.openRunSource',
  snapshotCorpus: 'evalloop.snapshotCorpus',
  pinSlice: 'evalloop.pinSlice',
  verifyCorpus: 'evalloop.verifyCorpus',
  exportSlice: 'evalloop.exportSlice',
  openManifest: 'evalloop.openManifest',
  checkWorkspace: 'evalloop.checkWorkspace',
  syncNow: 'evalloop.syncNow',
  showAgreement: 'evalloop.showAgreement',
  goToTestDefinition: 'evalloop.goToTestDefinition',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/**
 * What a feature does for each of its commands. The composition root registers every
 * command at activation and looks its handler up here when it first runs (the features
 * are loaded after activation: deferredFeatures.ts).
 */
export type CommandHandlers = Partial<Record<CommandId, (...args: never[]) => unknown>>;
