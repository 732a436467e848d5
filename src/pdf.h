/* pdf: the single-file book printed to PDF by headless Chromium
 * (`litbook publish --pdf`), with the stylesheet's print styles: no
 * sidebar, a page per chapter, page numbers at the foot (CSS @page margin
 * boxes), figures kept as vectors (inline SVG). */
#ifndef LB_PDF_H
#define LB_PDF_H

#include "diag.h"

/* Prints html_path (a file) to pdf_path, written under a temporary name
 * and renamed. Returns 0, or -1 with *d filled (no Chromium: how to
 * install it). */
int lb_pdf_write(const char *html_path, const char *pdf_path, lb_diag *d);

#endif
