/** The consent form as a browser would submit it, minus the fields the user fills in. */
export interface ConsentForm {
  action: string;
  fields: Record<string, string>;
}

const FORM_ACTION = /<form method="post" action="([^"]*)"/;
const HIDDEN_INPUT = /<input type="hidden" name="([^"]*)" value="([^"]*)">/g;

/**
 * Reads the action and hidden inputs of a page made by `renderConsentPage`. It understands only that
 * page's fixed layout, which is enough to replay what a browser would post. Throws when the page has no form.
 */
export function readConsentForm(html: string): ConsentForm {
  const action = FORM_ACTION.exec(html)?.[1];
  if (action === undefined) {
    throw new Error('The consent page contains no form');
  }
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(HIDDEN_INPUT)) {
    fields[unescapeHtml(name)] = unescapeHtml(value);
  }
  return { action: unescapeHtml(action), fields };
}

/** Reverses `escapeHtml`; `&amp;` goes last so that an escaped entity stays literal text. */
function unescapeHtml(text: string): string {
  return text
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&gt;', '>')
    .replaceAll('&lt;', '<')
    .replaceAll('&amp;', '&');
}
