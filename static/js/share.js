/* A briefing's share tools: native share where the browser has it, copy link through the
   Clipboard API, print through the browser's dialog (and the print stylesheet). Each button
   stays hidden unless what it needs is there, so without JavaScript only the plain share
   links show. Its messages come translated in the page (data-share-copied, -failed). */
(() => {
  for (const tools of document.querySelectorAll("[data-share]")) {
    const url = tools.dataset.shareUrl;
    const title = tools.dataset.shareTitle;
    const status = tools.querySelector("[data-share-status]");
    const say = (text) => {
      if (status) status.textContent = text;
    };
    const native = tools.querySelector("[data-share-native]");
    if (native && navigator.share) {
      native.hidden = false;
      native.addEventListener("click", () => {
        navigator.share({ title, url }).catch(() => {});
      });
    }
    const copy = tools.querySelector("[data-share-copy]");
    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.addEventListener("click", () => {
        navigator.clipboard.writeText(url).then(
          () => say((status && status.dataset.shareCopied) || "Link copied."),
          () => say(`${(status && status.dataset.shareFailed) || "Could not copy: the link is"} ${url}`),
        );
      });
    }
    const print = tools.querySelector("[data-share-print]");
    if (print && typeof window.print === "function") {
      print.hidden = false;
      print.addEventListener("click", () => window.print());
    }
  }
})();
