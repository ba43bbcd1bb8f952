// Options for the palette's multi-step commands.
/**
 * The steps of a multi-step command stay open when focus moves (to a webview taking it
 * back as the palette closes, say); Escape still cancels them.
 */
export const STAYS_OPEN = { ignoreFocusOut: true } as const;
