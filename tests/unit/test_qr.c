/* Unit tests for qr.c: the SVG holds exactly the libqrencode modules, a
 * quiet zone of 4 modules, error correction M, and no text. */
#include "kit/qr.h"
#include "unit.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rebuild the module grid (size × size, quiet zone included) from the path. */
static unsigned char *grid_from_svg(const char *svg, int *size)
{
    const char *vb = strstr(svg, "viewBox=\"0 0 ");
    if (!vb || sscanf(vb, "viewBox=\"0 0 %d", size) != 1 || *size <= 0) return NULL;
    unsigned char *g = calloc((size_t)(*size * *size), 1);
    const char *d = strstr(svg, " d=\"");
    if (!d) return g;
    const char *p = d + 4;
    int x, y, n, n2;
    while (sscanf(p, "M%d %dh%dv1h-%dz", &x, &y, &n, &n2) == 4) {
        if (n != n2 || x < 0 || y < 0 || x + n > *size || y >= *size) {
            free(g);
            return NULL;
        }
        for (int i = 0; i < n; i++)
            g[y * *size + x + i] = 1;
        p = strchr(p, 'z') + 1;
    }
    if (*p != '"') {
        free(g);
        return NULL;
    }
    return g;
}

static void check_text(const char *text)
{
    buf b = {0};
    int w = qr_svg(&b, text, "qr");
    CHECK(w >= 21 && (w - 17) % 4 == 0);
    int size = 0;
    unsigned char *g = grid_from_svg(b.data, &size);
    CHECK(g != NULL);
    CHECK(size == w + 2 * QR_QUIET_ZONE);
    QRcode *ref = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    CHECK(ref && ref->width == w);
    if (g && ref && ref->width == w) {
        int mismatches = 0, border_dark = 0;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                bool in = x >= QR_QUIET_ZONE && y >= QR_QUIET_ZONE && x < QR_QUIET_ZONE + w &&
                          y < QR_QUIET_ZONE + w;
                if (!in) {
                    border_dark += g[y * size + x];
                    continue;
                }
                int want = ref->data[(y - QR_QUIET_ZONE) * w + (x - QR_QUIET_ZONE)] & 1;
                mismatches += want != g[y * size + x];
            }
        CHECK(mismatches == 0);
        CHECK(border_dark == 0);
        /* the three finder patterns: dark corners of the symbol */
        CHECK(g[QR_QUIET_ZONE * size + QR_QUIET_ZONE]);
        CHECK(g[QR_QUIET_ZONE * size + QR_QUIET_ZONE + w - 1]);
        CHECK(g[(QR_QUIET_ZONE + w - 1) * size + QR_QUIET_ZONE]);
    }
    /* geometry only: no text, no script, the white background covers the quiet zone */
    CHECK(strstr(b.data, "<text") == NULL && strstr(b.data, "<title") == NULL);
    CHECK(strstr(b.data, "lieux") == NULL && strstr(b.data, "127.0.0.1") == NULL);
    CHECK(strstr(b.data, "<script") == NULL);
    char rect[64];
    snprintf(rect, sizeof rect, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", size, size);
    CHECK(strstr(b.data, rect) != NULL);
    CHECK(strstr(b.data, "class=\"qr\"") != NULL);
    QRcode_free(ref);
    free(g);
    buf_free(&b);
}

TEST(modules_and_quiet_zone)
{
    check_text("http://127.0.0.1:8080/lieux/13-espace-public-numerique-alboussiere");
    check_text("https://repere.example.fr/lieux/1");
    check_text("https://repere.example.fr/ateliers/12-prendre-en-main-sa-tablette?x=<script>&y=\"");
}

TEST(version_and_level)
{
    /* 34 bytes at level M need version 3 (29 modules): 8-bit capacity M is 14/26/42. */
    buf b = {0};
    CHECK(qr_svg(&b, "https://repere.example.fr/lieux/1", NULL) == 29);
    CHECK(strstr(b.data, "class=") == NULL);
    buf_free(&b);
    /* 14 bytes fit version 1 at M */
    CHECK(qr_svg(&b, "https://a.fr/1", NULL) == 21);
    buf_free(&b);
}

TEST(refusals)
{
    buf b = {0};
    CHECK(qr_svg(&b, "", NULL) == 0);
    CHECK(qr_svg(&b, NULL, NULL) == 0);
    char *big = malloc(QR_MAX_TEXT + 2);
    memset(big, 'a', QR_MAX_TEXT + 1);
    big[QR_MAX_TEXT + 1] = '\0';
    CHECK(qr_svg(&b, big, NULL) == 0);
    CHECK(b.len == 0);
    free(big);
    buf_free(&b);
}

int main(void)
{
    RUN(modules_and_quiet_zone);
    RUN(version_and_level);
    RUN(refusals);
    return unit_report();
}
