/**
 * Every keyboard shortcut of the app, as the `?` sheet lists them: the keys as they are typed and
 * a message id (`shortcuts.keys.<id>`) for what they do. The components that listen for them keep
 * their own handlers; this is the one place that names them all.
 */
export const SHORTCUT_GROUPS = [
  {
    id: "general",
    keys: [
      { id: "help", keys: ["?"] },
      { id: "focusPrompt", keys: ["/"] },
      { id: "submit", keys: ["Enter"] },
      { id: "newLine", keys: ["Shift+Enter"] },
    ],
  },
  {
    id: "viewer",
    keys: [
      { id: "move", keys: ["←", "→"] },
      { id: "close", keys: ["Esc"] },
      { id: "upscale", keys: ["U"] },
      { id: "vary", keys: ["V"] },
      { id: "varySubtle", keys: ["Shift+V"] },
      { id: "animate", keys: ["A"] },
      { id: "edit", keys: ["E"] },
      { id: "download", keys: ["D"] },
      { id: "favorite", keys: ["F"] },
      { id: "usePrompt", keys: ["P"] },
      { id: "copyPrompt", keys: ["C"] },
      { id: "reroll", keys: ["R"] },
      { id: "zoom", keys: ["Ctrl+Wheel"] },
    ],
  },
  {
    id: "gallery",
    keys: [{ id: "search", keys: ["Enter"] }],
  },
  {
    id: "editor",
    keys: [
      { id: "nudge", keys: ["←", "↑", "→", "↓"] },
      { id: "scale", keys: ["+", "-"] },
      { id: "centre", keys: ["0"] },
    ],
  },
  {
    id: "mask",
    keys: [
      { id: "brush", keys: ["B"] },
      { id: "rectangle", keys: ["R"] },
      { id: "eraser", keys: ["E"] },
      { id: "moveTool", keys: ["V"] },
      { id: "brushSize", keys: ["[", "]"] },
      { id: "undo", keys: ["Ctrl+Z"] },
      { id: "redo", keys: ["Ctrl+Shift+Z", "Ctrl+Y"] },
    ],
  },
] as const;
