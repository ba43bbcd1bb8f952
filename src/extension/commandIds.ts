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
  goToTestDefinition: 'evalloop.goToTestDefinition',
} as const;
