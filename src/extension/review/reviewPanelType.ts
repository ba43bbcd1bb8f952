// The review panel's view type, also what its serializer is registered for at start-up
// (before the panel's own code is loaded).
export const REVIEW_PANEL_TYPE = 'evalloop.review';
