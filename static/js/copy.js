// "Copy" buttons for citations: copy the text of the element named by data-copy.
// Without JavaScript (or a clipboard) the buttons stay hidden and the text is selected by hand.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) continue;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      button.textContent = "Copied";
    } catch {
      button.textContent = "Select the text to copy it";
    }
    setTimeout(() => { button.textContent = label; }, 2500);
  });
}

// "Copy quotation" on a paragraph: its text in quotation marks, then the statement's citation
// with the link pointing at that paragraph (…/statements/12/#p3).
const citation = document.getElementById("cite-text");
const text = document.querySelector("[data-stable-url]");
for (const button of document.querySelectorAll("button[data-quote]")) {
  const paragraph = document.getElementById(button.dataset.quote);
  if (!paragraph || !citation || !text || !navigator.clipboard) continue;
  const label = button.innerHTML;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const url = text.dataset.stableUrl;
    const quoted = paragraph.querySelector("p").textContent.trim();
    const cited = citation.textContent.trim().replace(url, `${url}#${button.dataset.quote}`);
    try {
      await navigator.clipboard.writeText(`“${quoted}” ${cited}`);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Select the text to copy it";
    }
    setTimeout(() => { button.innerHTML = label; }, 2500);
  });
}
