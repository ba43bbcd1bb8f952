// Every command id in one place, matching package.json's contributes.commands.
export const COMMANDS = {
  captureFile: 'evalloop.captureFile',
  rescanWorkspace: 'evalloop.rescanWorkspace',
  showStatus: 'evalloop.showStatus',
} as const;
