#include "search.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cache.h"
#include "fsutil.h"
#include "idset.h"
#include "node.h"
#include "spawn.h"

#define LUNR_JS "/usr/share/javascript/lunr/lunr.min.js"

static void put_json_str(lb_buf *b, const char *s, size_t n)
{
    lb_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        size_t r = i; /* a run that needs no escape, copied at once */
        while (r < n && (unsigned char)s[r] >= 0x20 && s[r] != '"' && s[r] != '\\' && s[r] != '<')
            r++;
        lb_buf_append(b, s + i, r - i);
        if (r == n)
            break;
        i = r;
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            lb_buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            lb_buf_printf(b, "\\u%04x", c);
        else /* '<': never "</script" in the output */
            lb_buf_puts(b, "\\u003c");
    }
    lb_buf_putc(b, '"');
}

static int starts(const char *p, const char *s)
{
    return strncasecmp(p, s, strlen(s)) == 0;
}

/* The first s at or after p, or NULL: strstr, but reading only up to the
 * match. A sanitizer's strstr reads the whole rest of the page at every
 * call, and this one is called once per heading: quadratic on a long
 * chapter (8,000 headings took 17 times as long as 1,000 under ASan). */
static const char *find(const char *p, const char *s)
{
    size_t n = strlen(s);
    for (; (p = strchr(p, s[0])) != NULL; p++)
        if (strncmp(p, s, n) == 0)
            return p;
    return NULL;
}

/* The text of html[0, n): tags dropped, figures (svg), formulas (KaTeX's
 * spans), styles and scripts left out, a few entities decoded. */
static void html_text(const char *h, size_t n, lb_buf *out)
{
    static const char *const skip[][2] = {{"<a class=\"anchor\"", "</a>"},
                                          {"<svg", "</svg>"},
                                          {"<style", "</style>"},
                                          {"<script", "</script>"},
                                          {"<math", "</math>"}};
    int katex = 0; /* depth of <span> inside a KaTeX formula */
    for (size_t i = 0; i < n;) {
        const char *p = h + i;
        if (*p == '<') {
            size_t k = 0, nskip = sizeof skip / sizeof skip[0];
            /* every tag of the chapter comes here: its first letter,
             * lowercased, is compared before the whole name */
            while (k < nskip && ((p[1] | 0x20) != skip[k][0][1] || !starts(p, skip[k][0])))
                k++;
            if (k < nskip) {
                const char *e = find(p, skip[k][1]);
                i = e ? (size_t)(e - h) + strlen(skip[k][1]) : n;
                continue;
            }
            if (starts(p, "<span class=\"katex"))
                katex++;
            else if (katex && starts(p, "<span"))
                katex++;
            else if (katex && starts(p, "</span"))
                katex--;
            const char *e = memchr(p, '>', n - i);
            i = e ? (size_t)(e - h) + 1 : n;
            lb_buf_putc(out, ' ');
            continue;
        }
        if (katex) {
            i++;
            continue;
        }
        size_t r = i; /* plain text up to the next tag, entity or blank */
        while (r < n && h[r] != '<' && h[r] != '&' && h[r] != '\n' && h[r] != '\t')
            r++;
        if (r > i) {
            lb_buf_append(out, p, r - i);
            i = r;
            continue;
        }
        static const char *const ent[][2] = {
            {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}};
        size_t k = 0;
        while (*p == '&' && k < 5 && !starts(p, ent[k][0]))
            k++;
        if (*p == '&' && k < 5) {
            lb_buf_puts(out, ent[k][1]);
            i += strlen(ent[k][0]);
        } else {
            lb_buf_putc(out, *p == '\n' || *p == '\t' ? ' ' : *p);
            i++;
        }
    }
}

/* Runs of blanks become one space; none at the ends. */
static void squash(lb_buf *b)
{
    size_t k = 0;
    char *p = b->ptr;
    for (size_t i = 0; i < b->len; i++) {
        if (p[i] == ' ' && (k == 0 || p[k - 1] == ' '))
            continue;
        p[k++] = p[i];
    }
    while (k && p[k - 1] == ' ')
        k--;
    b->len = k;
    if (p)
        p[k] = '\0';
}

static void add_doc(lb_buf *docs, const char *id, const char *chapter, const char *section,
                    size_t slen, const char *body, size_t blen)
{
    lb_buf t = LB_BUF_INIT, s = LB_BUF_INIT;
    html_text(body, blen, &t);
    html_text(section, slen, &s);
    if (docs->len > 0)
        lb_buf_putc(docs, ',');
    lb_buf_puts(docs, "{\"id\":");
    put_json_str(docs, id, strlen(id));
    lb_buf_puts(docs, ",\"c\":");
    put_json_str(docs, chapter, strlen(chapter));
    lb_buf_puts(docs, ",\"s\":");
    squash(&s);
    put_json_str(docs, lb_buf_str(&s), s.len);
    lb_buf_puts(docs, ",\"t\":");
    put_json_str(docs, lb_buf_str(&t), t.len);
    lb_buf_puts(docs, "}\n");
    lb_buf_free(&t);
    lb_buf_free(&s);
}

/* One chapter's sections as documents. */
static void chapter_docs(const lb_chapter *ch, const char *body, lb_buf *docs)
{
    lb_buf id = LB_BUF_INIT, anchor = LB_BUF_INIT;
    const char *text = body; /* where the current section's text starts */
    const char *title = "";  /* its heading's HTML ("" before the first) */
    size_t title_len = 0;
    for (;;) {
        const char *h = find(text, "<h2 id=\"");
        const char *end = h ? h : text + strlen(text);
        lb_buf_reset(&id);
        lb_buf_printf(&id, "%s.html%s", ch->slug, lb_buf_str(&anchor));
        add_doc(docs, id.ptr, ch->title, title, title_len, text, (size_t)(end - text));
        if (!h)
            break;
        const char *q = h + strlen("<h2 id=\"");
        lb_buf_reset(&anchor);
        lb_buf_printf(&anchor, "#%.*s", (int)strcspn(q, "\""), q);
        const char *close = find(h, "</h2>");
        title = h;
        text = close ? close + 5 : h + strlen(h);
        title_len = (size_t)(text - h);
    }
    lb_buf_free(&id);
    lb_buf_free(&anchor);
}

/* One chapter's documents, JSON objects separated by commas, as
 * chapter_docs makes them; read from the cache when its page's key (which
 * covers everything the page shows) is known and was seen before, so that
 * a prose edit renders only the chapter it changed. */
static void cached_docs(lb_book *book, size_t i, const lb_search_req *rq, lb_idset *used,
                        lb_buf *out)
{
    const char *key = rq->keys ? rq->keys[i] : "";
    lb_buf path = LB_BUF_INIT;
    if (key[0]) {
        lb_buf_printf(&path, "%s/search/%s.json", rq->cache_dir, key);
        lb_idset_add(used, key);
        if (lb_read_file(path.ptr, out) == 0) {
            lb_buf_free(&path);
            return;
        }
    }
    chapter_docs(&book->chapters[i], lb_book_body(book, i, NULL), out);
    if (key[0]) /* not fatal: the next build makes them again */
        (void)lb_write_file_atomic(path.ptr, lb_buf_str(out), out->len);
    lb_buf_free(&path);
}

/* Removes the documents of pages that are no longer the book's. */
static void sweep_docs(const char *dir, const lb_idset *used)
{
    DIR *dd = opendir(dir);
    if (!dd)
        return;
    struct dirent *e;
    lb_buf p = LB_BUF_INIT;
    while ((e = readdir(dd))) {
        size_t n = strlen(e->d_name);
        if (n != 32 + 5 || strcmp(e->d_name + 32, ".json") != 0)
            continue;
        char key[33];
        memcpy(key, e->d_name, 32);
        key[32] = '\0';
        if (lb_idset_has(used, key))
            continue;
        lb_buf_reset(&p);
        lb_buf_printf(&p, "%s/%s", dir, e->d_name);
        unlink(p.ptr);
    }
    closedir(dd);
    lb_buf_free(&p);
}

/* The index from the documents, with the documents' titles and a snippet
 * of their text: the one definition of the index, run by node when the
 * index is prebuilt and by the page itself when it is not. */
#define BUILDER                                                                                    \
    "function (lunr, docs) {\n"                                                                    \
    "  var idx = lunr(function () {\n"                                                             \
    "    var b = this;\n"                                                                          \
    "    b.ref('id'); b.field('s', {boost: 5}); b.field('c', {boost: 2}); b.field('t');\n"         \
    "    docs.forEach(function (d) { b.add(d); });\n"                                              \
    "  });\n"                                                                                      \
    "  var meta = {};\n"                                                                           \
    "  docs.forEach(function (d) {\n"                                                              \
    "    meta[d.id] = {c: d.c, s: d.s, t: d.t.replace(/\\s+/g, ' ').trim().slice(0, 160)};\n"      \
    "  });\n"                                                                                      \
    "  return {index: idx, docs: meta};\n"                                                         \
    "}"

/* Reads {"key": K, "docs": [...]} on stdin, prints the prebuilt script. */
static const char script[] =
    "const lunr = require('lunr');\n"
    "const build = " BUILDER ";\n"
    "const chunks = [];\n"
    "process.stdin.on('data', d => chunks.push(d));\n"
    "process.stdin.on('end', () => {\n"
    "  const inp = JSON.parse(Buffer.concat(chunks).toString('utf8'));\n"
    "  const r = build(lunr, inp.docs);\n"
    "  const js = 'window.LB_SEARCH = ' + JSON.stringify({index: r.index, docs: r.docs,\n"
    "             key: inp.key}).replace(/</g, '\\\\u003c') + ';\\n';\n"
    "  process.stdout.write(js);\n"
    "});\n";

/* The prebuilt index, from one node process; 0, or 1 when node or its
 * lunr failed (*js then holds nothing useful). */
static int prebuilt(const char *key, const lb_buf *docs, lb_buf *js)
{
    lb_buf in = LB_BUF_INIT;
    lb_buf_printf(&in, "{\"key\":\"%s\",\"docs\":", key);
    lb_buf_append(&in, docs->ptr, docs->len);
    lb_buf_putc(&in, '}');
    lb_spawn_result r;
    int started = lb_node_run(script, in.ptr, in.len, &r) == 0;
    int ok = started && r.exited && r.exit_code == 0 && r.out.len > 0;
    if (ok)
        lb_buf_append(js, r.out.ptr, r.out.len);
    lb_spawn_result_free(&r);
    lb_buf_free(&in);
    return ok ? 0 : 1;
}

/* The documents themselves, written here without node: the page builds
 * the index from them when first searched. */
static void unbuilt(const char *key, const lb_buf *docs, lb_buf *js)
{
    lb_buf_printf(js, "window.LB_SEARCH = {\"key\":\"%s\",\"build\":", key);
    lb_buf_append(js, docs->ptr, docs->len);
    lb_buf_puts(js, "};\n");
    lb_buf_puts(js, "window.LB_SEARCH_BUILD = " BUILDER ";\n");
}

static int write_asset(const char *out_dir, const char *name, const lb_buf *data, lb_diag *d)
{
    lb_buf path = LB_BUF_INIT;
    lb_buf_printf(&path, "%s/assets/%s", out_dir, name);
    int rc = lb_write_file_if_changed(path.ptr, lb_buf_str(data), data->len) < 0 ? -1 : 0;
    if (rc < 0)
        lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot write %s: %s", path.ptr, strerror(errno));
    lb_buf_free(&path);
    return rc;
}

static void warn(const char *msg)
{
    lb_diag w;
    lb_diag_set(&w, LB_WARNING, NULL, 0, 0, "%s", msg);
    lb_diag_print(stderr, &w, lb_diag_stderr_color());
}

/* Every chapter's documents as one JSON array into docs; the key of what
 * they say into key. */
static void collect_docs(lb_book *book, const lb_search_req *rq, const char *dir, lb_buf *docs,
                         char key[33])
{
    lb_buf one = LB_BUF_INIT;
    lb_idset used = LB_IDSET_INIT;
    lb_buf_putc(docs, '[');
    for (size_t i = 0; i < book->n; i++) {
        lb_buf_reset(&one);
        cached_docs(book, i, rq, &used, &one);
        if (docs->len > 1 && one.len)
            lb_buf_putc(docs, ',');
        lb_buf_append(docs, one.ptr ? one.ptr : "", one.len);
    }
    lb_buf_putc(docs, ']');
    sweep_docs(dir, &used);
    lb_idset_free(&used);
    lb_buf_free(&one);
    lb_hash h;
    lb_hash_init(&h);
    lb_hash_str(&h, "search");
    lb_hash_bytes(&h, docs->ptr, docs->len);
    lb_hash_hex(&h, key);
}

/* What search-index.js holds, from the state file (written last, after
 * it): "DOCS FORM PAGES", the key of the documents it was made from, its
 * form ("index": prebuilt, or "docs") and the key of the pages they came
 * from ("-": unknown). */
typedef struct {
    int had;     /* a state was there: not the first build of this out/ */
    int current; /* its form will do: prebuilt, or documents when not publishing */
    char docs[33], form[8], pages[33];
} index_state;

static void read_state(const lb_search_req *rq, const char *state_path, index_state *st)
{
    lb_buf text = LB_BUF_INIT, p = LB_BUF_INIT;
    memset(st, 0, sizeof *st);
    st->had = lb_read_file(state_path, &text) == 0 &&
              sscanf(lb_buf_str(&text), "%32s %7s %32s", st->docs, st->form, st->pages) == 3;
    lb_buf_printf(&p, "%s/assets/search-index.js", rq->out_dir);
    st->current =
        st->had && access(p.ptr, F_OK) == 0 &&
        (strcmp(st->form, "index") == 0 || (!rq->publish && strcmp(st->form, "docs") == 0));
    lb_buf_free(&text);
    lb_buf_free(&p);
}

static void write_state(const char *state_path, const char *docs, const char *form,
                        const char *pages)
{
    lb_buf st = LB_BUF_INIT;
    lb_buf_printf(&st, "%s %s %s", docs, form, pages);
    (void)lb_write_file_atomic(state_path, st.ptr, st.len); /* not fatal: written again */
    lb_buf_free(&st);
}

/* The key of every chapter's page key: the documents come from the pages,
 * so while it stays the same they do. 0 (and "-") when a chapter has none. */
static int pages_key(const lb_book *book, const lb_search_req *rq, char key[33])
{
    lb_hash h;
    lb_hash_init(&h);
    lb_hash_str(&h, "search pages");
    int all = rq->keys != NULL;
    for (size_t i = 0; all && i < book->n; i++) {
        all = rq->keys[i][0] != '\0';
        lb_hash_str(&h, rq->keys[i]);
    }
    lb_hash_hex(&h, key);
    if (!all)
        strcpy(key, "-");
    return all;
}

/* Writes search-index.js (prebuilt by node when prebuild, else, or when
 * node fails, the documents) and lunr.js; then the state. */
static int write_index(const lb_search_req *rq, const char *state_path, const char *key,
                       const char *pages, const lb_buf *docs, const lb_buf *lunr, int prebuild,
                       lb_diag *d)
{
    lb_buf js = LB_BUF_INIT;
    const char *form = "docs";
    if (prebuild) {
        if (prebuilt(key, docs, &js) == 0)
            form = "index";
        else
            warn("the search index is not prebuilt (it needs Node.js and node-lunr: apt-get "
                 "install nodejs node-lunr); the pages build it when first searched");
    }
    if (strcmp(form, "docs") == 0) {
        lb_buf_reset(&js);
        unbuilt(key, docs, &js);
    }
    int rc = write_asset(rq->out_dir, "search-index.js", &js, d);
    if (rc == 0)
        rc = write_asset(rq->out_dir, "lunr.js", lunr, d);
    if (rc == 0)
        write_state(state_path, key, form, pages);
    lb_buf_free(&js);
    return rc;
}

int lb_search_write(lb_book *book, const lb_search_req *rq, lb_diag *d)
{
    lb_buf docs = LB_BUF_INIT, dir = LB_BUF_INIT, state_path = LB_BUF_INIT, lunr = LB_BUF_INIT;
    char key[33], pages[33];
    index_state st;
    lb_buf_printf(&dir, "%s/search", rq->cache_dir);
    lb_buf_printf(&state_path, "%s/state", dir.ptr);
    int known = pages_key(book, rq, pages);
    read_state(rq, state_path.ptr, &st);
    int rc = 0;
    if (known && st.current && strcmp(st.pages, pages) == 0)
        goto done;            /* no page changed: nothing to read (a no-op build) */
    (void)lb_mkdirs(dir.ptr); /* without it, nothing is cached: still correct */
    collect_docs(book, rq, dir.ptr, &docs, key);
    if (st.current && strcmp(st.docs, key) == 0) {
        /* pages changed, what they say did not (a new timing, say) */
        write_state(state_path.ptr, key, st.form, pages);
    } else if (lb_read_file(LUNR_JS, &lunr) < 0) {
        warn("no search: it needs lunr (apt-get install libjs-lunr); the pages hide their "
             "search box");
        rc = 1;
    } else {
        /* node only when publishing or on the first build of this out/:
         * never on the way from an edit to its page */
        rc = write_index(rq, state_path.ptr, key, pages, &docs, &lunr, rq->publish || !st.had, d);
    }
done:
    lb_buf_free(&docs);
    lb_buf_free(&dir);
    lb_buf_free(&state_path);
    lb_buf_free(&lunr);
    return rc;
}
