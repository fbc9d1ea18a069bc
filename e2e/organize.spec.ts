import { expect, test, type Locator, type Page } from "@playwright/test";

/**
 * Organising the gallery, in demo mode against the production build: folders (add, rename,
 * remove, move) and saved searches persist across reloads; hiding takes a task out of the gallery
 * and the Create feed until it is shown again; the new filters narrow the view.
 */

const tile = (page: Page, prompt: string | RegExp): Locator =>
  page.getByRole("listitem", { name: prompt }).first();

async function imagine(page: Page, prompt: string): Promise<string> {
  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
  const box = page.getByRole("textbox", { name: "Prompt" });
  await box.fill(prompt);
  await box.press("Enter");
  const card = page.locator(`article[data-task-id]`, { hasText: prompt.split(" --")[0]! }).first();
  await expect(card).toHaveAttribute("data-status", /SUCCESS|FAILURE/, { timeout: 60_000 });
  return (await card.getAttribute("data-task-id"))!;
}

async function gallery(page: Page, search = "") {
  await page.goto(`/gallery${search}`);
  await page.locator("html[data-hydrated]").waitFor();
}

/** Selects a job through its first image; every image of the job then shows it selected. */
async function select(page: Page, prompt: string) {
  await tile(page, prompt).hover();
  await tile(page, prompt)
    .getByRole("checkbox", { name: `Select ${prompt}` })
    .check();
  for (const box of await page.getByRole("checkbox", { name: `Select ${prompt}` }).all())
    await expect(box).toBeChecked();
}

/** The jobs the view shows: a grid is four tiles of one job. */
const jobsInView = (page: Page) =>
  page
    .getByRole("list", { name: "Your images" })
    .getByRole("listitem")
    .evaluateAll((items) => new Set(items.map((item) => item.getAttribute("data-task-id"))).size);

const folders = (page: Page) => page.getByRole("navigation", { name: "Folders" });

test("a folder: create, add two, rename, reload, remove one, move one to another folder", async ({
  page,
}) => {
  const a = "an otter orgfolder one";
  const b = "an otter orgfolder two";
  await imagine(page, a);
  await imagine(page, b);
  await gallery(page, "?q=orgfolder");
  await expect(tile(page, a)).toBeVisible();

  await folders(page).getByRole("textbox", { name: "Folder name" }).fill("Otters");
  await folders(page).getByRole("button", { name: "Create" }).click();
  await expect(folders(page).getByRole("button", { name: /^Otters/ })).toBeVisible();

  await select(page, a);
  await select(page, b);
  await page.getByRole("combobox", { name: "Add to folder" }).selectOption({ label: "Otters" });
  await expect(folders(page).getByRole("button", { name: "Otters 2 images" })).toBeVisible();

  await folders(page).getByRole("button", { name: "Rename Otters" }).click();
  const rename = folders(page).getByRole("textbox", { name: "New name for Otters" });
  await rename.fill("River otters");
  await rename.press("Enter");
  await expect(folders(page).getByRole("button", { name: /^River otters/ })).toBeVisible();

  await gallery(page);
  await folders(page)
    .getByRole("button", { name: /^River otters/ })
    .click();
  await expect(page).toHaveURL(/folder=/);
  await expect(page.getByRole("heading", { name: "River otters" })).toBeVisible();
  await expect(tile(page, a)).toBeVisible();
  await expect(tile(page, b)).toBeVisible();
  await expect.poll(() => jobsInView(page)).toBe(2);

  await select(page, a);
  await page.getByRole("button", { name: "Remove from this folder" }).click();
  await expect(tile(page, a)).toBeHidden();
  await expect(tile(page, b)).toBeVisible();

  await folders(page).getByRole("textbox", { name: "Folder name" }).fill("Sea otters");
  await folders(page).getByRole("button", { name: "Create" }).click();
  await expect(folders(page).getByRole("button", { name: /^Sea otters/ })).toBeVisible();
  await select(page, b);
  await page.getByRole("combobox", { name: "Move to folder" }).selectOption({ label: "Sea otters" });
  await expect(tile(page, b)).toBeHidden();
  await expect(folders(page).getByRole("button", { name: "River otters 0 images" })).toBeVisible();
  await folders(page)
    .getByRole("button", { name: /^Sea otters/ })
    .click();
  await expect(tile(page, b)).toBeVisible();
  await expect.poll(() => jobsInView(page)).toBe(1);
});

test("a saved search persists and shows the right tasks; aspect, style reference and video filters narrow the view", async ({
  page,
}) => {
  const wide = "a lynx smartword wide --ar 16:9";
  const styled = "a lynx smartword styled --sref 1234";
  await imagine(page, wide);
  await imagine(page, styled);
  await gallery(page, "?q=smartword");
  await expect(tile(page, /smartword wide/)).toBeVisible();
  await expect(tile(page, /smartword styled/)).toBeVisible();

  await page.getByLabel("Style reference").selectOption("true");
  await expect(page).toHaveURL(/sref=true/);
  await expect(tile(page, /smartword wide/)).toBeHidden();
  await expect(tile(page, /smartword styled/)).toBeVisible();
  await page.getByLabel("Style reference").selectOption("");

  await page.getByLabel("Videos only").check();
  await expect(page.getByText("Nothing matches this view.")).toBeVisible();
  await page.getByLabel("Videos only").uncheck();

  await page.getByLabel("Aspect ratio").selectOption("16:9");
  await expect(page).toHaveURL(/aspect=16%3A9/);
  await expect(tile(page, /smartword styled/)).toBeHidden();
  await expect(tile(page, /smartword wide/)).toBeVisible();

  const name = folders(page).getByRole("textbox", { name: "Name of the saved search" });
  await name.fill("Wide lynxes");
  await name.press("Enter");
  await expect(folders(page).getByRole("button", { name: "Wide lynxes", exact: true })).toBeVisible();

  await gallery(page);
  await folders(page).getByRole("button", { name: "Wide lynxes", exact: true }).click();
  await expect(page).toHaveURL(/aspect=16%3A9/);
  await expect(page.getByRole("searchbox", { name: "Search prompts" })).toHaveValue("smartword");
  await expect(tile(page, /smartword wide/)).toBeVisible();
  await expect(tile(page, /smartword styled/)).toBeHidden();
});

test("hiding a task takes it out of the gallery and the Create feed; the Hidden view shows it; unhide", async ({
  page,
}) => {
  const prompt = "a mole hideword";
  await imagine(page, prompt);
  await expect(page.locator("article[data-task-id]", { hasText: prompt })).toBeVisible();
  await gallery(page, "?q=hideword");
  await tile(page, prompt).hover();
  await tile(page, prompt)
    .getByRole("button", { name: `Hide ${prompt}` })
    .click();
  await expect(tile(page, prompt)).toBeHidden();

  await page.goto("/");
  await page.locator("html[data-hydrated]").waitFor();
  await expect(page.getByRole("textbox", { name: "Prompt" })).toBeVisible();
  await expect(page.locator("article[data-task-id]", { hasText: prompt })).toHaveCount(0);

  await gallery(page, "?q=hideword");
  await page.getByLabel("Hidden only").check();
  await expect(page).toHaveURL(/hidden=true/);
  await expect(tile(page, prompt)).toBeVisible();
  await tile(page, prompt).hover();
  await tile(page, prompt)
    .getByRole("button", { name: `Unhide ${prompt}` })
    .click();
  await expect(tile(page, prompt)).toBeHidden();
  await page.getByLabel("Hidden only").uncheck();
  await expect(tile(page, prompt)).toBeVisible();
});
