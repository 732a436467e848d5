// litbook: a copy button on every program listing. Works offline: no
// library, no network; the page reads fine without it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("pre.code").forEach(function (pre) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy this code");
    button.addEventListener("click", function () {
      var text = pre.querySelector("code").innerText;
      var done = function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () {});
      } else {
        var area = document.createElement("textarea");
        area.value = text;
        document.body.appendChild(area);
        area.select();
        try { document.execCommand("copy"); done(); } catch (e) {}
        document.body.removeChild(area);
      }
    });
    pre.appendChild(button);
  });
});

// Search (src/search.h): assets/search-index.js holds the lunr index as it
// was prebuilt (by litbook publish, say), or, after an edit, the documents
// and the function that indexes them. Either becomes an index on the first
// search, not when the page loads. Without lunr where the book was built
// the box stays hidden.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.search");
  var S = window.LB_SEARCH;
  if (!form || !S || !window.lunr) return;
  var idx = null, docs = null;
  function ready() {
    if (idx) return;
    var r = S.index ? { index: lunr.Index.load(S.index), docs: S.docs }
                    : window.LB_SEARCH_BUILD(lunr, S.build);
    idx = r.index;
    docs = r.docs;
  }
  var input = form.querySelector("input");
  var list = form.querySelector(".search-results");
  form.hidden = false;
  function show(q) {
    list.textContent = "";
    var words = lunr.tokenizer(q);
    if (!words.length) return;
    ready();
    var hits = idx.query(function (query) {
      words.forEach(function (w) {
        query.term(w, { usePipeline: true, boost: 10 });
        query.term(w, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING });
      });
    }).slice(0, 12);
    if (!hits.length) {
      var none = document.createElement("li");
      none.className = "search-none";
      none.textContent = "No match for \u201c" + q + "\u201d";
      list.appendChild(none);
    }
    hits.forEach(function (h) {
      var d = docs[h.ref], li = document.createElement("li"), a = document.createElement("a");
      a.href = h.ref;
      var c = document.createElement("span");
      c.className = "search-chapter";
      c.textContent = d.c;
      a.appendChild(c);
      if (d.s) {
        var s = document.createElement("span");
        s.className = "search-section";
        s.textContent = d.s;
        a.appendChild(s);
      }
      var t = document.createElement("span");
      t.className = "search-text";
      t.textContent = d.t;
      a.appendChild(t);
      li.appendChild(a);
      list.appendChild(li);
    });
  }
  input.addEventListener("input", function () { show(input.value); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var first = list.querySelector("a");
    if (first) location.href = first.href;
  });
  var m = /[?&]q=([^&]*)/.exec(location.search);
  if (m) {
    input.value = decodeURIComponent(m[1].replace(/\+/g, " "));
    show(input.value);
  }
});
