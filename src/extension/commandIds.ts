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
} as const;
