/* KTESTs for fbcon.c (test kernel only): a console drawn into a fake framebuffer in
 * memory, 68x50 pixels (8x3 cells and margins of 4 and 2) in lines of 72. */
#include "fbcon.h"

#include "../mm/heap.h"
#include "../test/ktest.h"

#define WIDTH	     68
#define HEIGHT	     50
#define LINE	     72 /* pixels from one line to the next */
#define COLS	     8
#define ROWS	     3
#define POISON	     0x12345678u
#define CURSOR_ROW_1 13 /* the font rows the cursor underlines */
#define CURSOR_ROW_2 14

static uint32_t pixels[LINE * HEIGHT] __attribute__((aligned(8)));
static uint32_t *origin = pixels; /* where the console draws: pixels + 1 is unaligned */
static struct fbcon fake;

static void fill_poison(void)
{
	for (size_t i = 0; i < sizeof pixels / sizeof pixels[0]; i++)
		pixels[i] = POISON;
}

static bool setup(enum boot_fb_format format)
{
	struct boot_info bi = {0};
	bi.firmware = BOOT_FROM_UEFI;
	bi.fb_base = 0x80000000; /* never used: the test attaches `pixels` */
	bi.fb_size = sizeof pixels;
	bi.fb_width = WIDTH;
	bi.fb_height = HEIGHT;
	bi.fb_pitch = LINE * 4;
	bi.fb_format = format;
	/* 10 bits a colour, as some GPUs do */
	bi.fb_red_mask = 0x3FF00000, bi.fb_green_mask = 0xFFC00, bi.fb_blue_mask = 0x3FF;
	fill_poison();
	origin = pixels;
	return fbcon_setup(&fake, &bi);
}

static void attach(void)
{
	fbcon_attach(&fake, origin);
}

static uint32_t pixel(int x, int y)
{
	return origin[y * LINE + x];
}

/* True when the cell at row, col shows c in fg on bg, pixel for pixel. */
static bool cell_shows(int row, int col, char c, uint32_t fg, uint32_t bg)
{
	const uint8_t *glyph = fbcon_glyph(c);
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 8; x++)
			if (pixel(col * 8 + x, row * 16 + y) != ((glyph[y] & 0x80 >> x) ? fg : bg))
				return false;
	return true;
}

static bool row_shows(int row, const char *text, uint32_t fg, uint32_t bg)
{
	for (int col = 0; col < COLS; col++)
		if (!cell_shows(row, col, *text ? *text++ : ' ', fg, bg))
			return false;
	return true;
}

static void put(const char *s)
{
	fbcon_write_to(&fake, s, strlen(s));
}

#define GREY 0xAAAAAAu /* the same in every byte order */

KTEST(fbcon_setup_checks_the_framebuffer_and_fits_the_cells)
{
	KEXPECT(!setup(BOOT_FB_NONE));
	struct boot_info bi = {0};
	bi.fb_base = 0x80000000, bi.fb_format = BOOT_FB_RGB;
	bi.fb_width = 640, bi.fb_height = 480, bi.fb_pitch = 640 * 4;
	bi.fb_size = 640 * 4 * 479; /* less than pitch x height */
	KEXPECT(!fbcon_setup(&fake, &bi));
	bi.fb_size = 640 * 4 * 480;
	KEXPECT(fbcon_setup(&fake, &bi));
	KEXPECT_EQ(fake.cols, 80);
	KEXPECT_EQ(fake.rows, 30);
	bi.fb_width = 3840, bi.fb_height = 2160, bi.fb_pitch = 4096 * 4;
	bi.fb_size = (uint64_t)bi.fb_pitch * bi.fb_height;
	KEXPECT(fbcon_setup(&fake, &bi));
	KEXPECT_EQ(fake.scale, 2); /* 480 columns would not fit */
	KEXPECT_EQ(fake.cols, 240);
	KEXPECT_EQ(fake.rows, 67);
}

/* The glyphs come from the font by code point: a blank, a low line, one glyph for
 * every byte that is not printable ASCII. */
KTEST(fbcon_glyphs_are_looked_up_by_code_point)
{
	const uint8_t *space = fbcon_glyph(' '), *low_line = fbcon_glyph('_');
	int top = 0, bottom = 0;
	for (int y = 0; y < 16; y++) {
		KEXPECT_EQ(space[y], 0);
		if (y < 8)
			top |= low_line[y];
		else
			bottom |= low_line[y] == 0xFF || low_line[y] == 0xFE;
	}
	KEXPECT(top == 0 && bottom);
	KEXPECT(fbcon_glyph('A') != fbcon_glyph('B'));
	KEXPECT(fbcon_glyph('\x80') == fbcon_glyph('\xFF'));
	KEXPECT(fbcon_glyph('\x80') != fbcon_glyph('?'));
	KEXPECT(memcmp(fbcon_glyph('\x80'), space, 16) != 0);
}

/* Each format puts red, green and blue where UEFI says: a white-on-red alert. Drawn
 * two pixels a store, or one where the framebuffer is not 8-byte aligned. */
static void check_alert_colours(enum boot_fb_format format, uint32_t white, uint32_t red,
				uint32_t grey, bool aligned)
{
	KEXPECT(setup(format));
	origin = aligned ? pixels : pixels + 1;
	attach();
	fbcon_style(&fake, CONSOLE_ALERT);
	put("Hi");
	KEXPECT(cell_shows(0, 0, 'H', white, red));
	KEXPECT(cell_shows(0, 1, 'i', white, red));
	KEXPECT(cell_shows(0, 3, ' ', grey, 0)); /* still the plain blank */
	/* The cursor waits at column 2, underlined in that blank's foreground colour. */
	KEXPECT_EQ(pixel(2 * 8, 0), 0);
	KEXPECT_EQ(pixel(2 * 8, CURSOR_ROW_1), grey);
	KEXPECT_EQ(pixel(2 * 8 + 7, CURSOR_ROW_2), grey);
}

KTEST(fbcon_colours_follow_the_pixel_format)
{
	check_alert_colours(BOOT_FB_RGB, 0xFFFFFF, 0x0000AA, GREY, true);
	check_alert_colours(BOOT_FB_RGB, 0xFFFFFF, 0x0000AA, GREY, false);
	check_alert_colours(BOOT_FB_BGR, 0xFFFFFF, 0xAA0000, GREY, true);
	check_alert_colours(BOOT_FB_BGR, 0xFFFFFF, 0xAA0000, GREY, false);
	check_alert_colours(BOOT_FB_BITMASK, 0x3FFFFFFF, 0x2AA00000, 0x2AAAAAAA, true);
	/* The banner's light cyan, 0x55FFFF, in both byte orders. */
	KEXPECT(setup(BOOT_FB_RGB));
	attach();
	fbcon_style(&fake, CONSOLE_HEADING);
	put("K");
	KEXPECT(cell_shows(0, 0, 'K', 0xFFFF55, 0));
	KEXPECT(setup(BOOT_FB_BGR));
	attach();
	fbcon_style(&fake, CONSOLE_HEADING);
	put("K");
	KEXPECT(cell_shows(0, 0, 'K', 0x55FFFF, 0));
}

/* Past 240 columns each font pixel is a 2x2 square: 1928 pixels make 120 columns. */
KTEST(fbcon_large_screens_draw_glyphs_doubled)
{
	enum { BIG_WIDTH = 1928, BIG_HEIGHT = 32 };
	struct boot_info bi = {0};
	bi.fb_base = 0x80000000, bi.fb_format = BOOT_FB_RGB;
	bi.fb_width = BIG_WIDTH, bi.fb_height = BIG_HEIGHT, bi.fb_pitch = BIG_WIDTH * 4;
	bi.fb_size = BIG_WIDTH * 4 * BIG_HEIGHT;
	KEXPECT(fbcon_setup(&fake, &bi));
	KEXPECT_EQ(fake.scale, 2);
	KEXPECT_EQ(fake.cols, 120);
	KEXPECT_EQ(fake.rows, 1);
	uint32_t *big = kmalloc(bi.fb_size);
	KEXPECT(big);
	fbcon_attach(&fake, big);
	fbcon_write_to(&fake, "W", 1);
	const uint8_t *glyph = fbcon_glyph('W');
	bool same = true;
	for (int y = 0; y < 32; y++)
		for (int x = 0; x < 16; x++)
			same &= big[y * BIG_WIDTH + x] ==
				((glyph[y / 2] & 0x80 >> x / 2) ? GREY : 0);
	kfree(big);
	KEXPECT(same);
}

/* Text written before the framebuffer is mapped shows once it is (the boot banner
 * comes before paging); the margins are cleared, nothing past a line's width is
 * touched. */
KTEST(fbcon_attach_draws_earlier_text_and_clears_the_margins)
{
	KEXPECT(setup(BOOT_FB_BGR));
	put("Keel\n");
	KEXPECT_EQ(pixel(0, 0), POISON);
	attach();
	KEXPECT(row_shows(0, "Keel", GREY, 0));
	KEXPECT(cell_shows(1, 1, ' ', GREY, 0));
	for (int y = 0; y < HEIGHT; y++) {
		for (int x = COLS * 8; x < WIDTH; x++)
			KEXPECT_EQ(pixel(x, y), 0);
		for (int x = WIDTH; x < LINE; x++)
			KEXPECT_EQ(pixel(x, y), POISON);
	}
	for (int y = ROWS * 16; y < HEIGHT; y++)
		for (int x = 0; x < COLS * 8; x++)
			KEXPECT_EQ(pixel(x, y), 0);
}

/* After a scroll every line shows the one that was below it; a cell whose character
 * did not change is not drawn again (a poisoned pixel in it survives), and every
 * other cell is. */
KTEST(fbcon_scroll_moves_lines_up_and_draws_only_changed_cells)
{
	KEXPECT(setup(BOOT_FB_RGB));
	attach();
	put("AAAA\nAAAB  x\nCCCC");
	uint16_t before[ROWS * COLS];
	memcpy(before, fake.text, sizeof before);
	int cursor_before = fake.cursor;
	for (int i = 0; i < ROWS * COLS; i++)
		pixels[i / COLS * 16 * LINE + i % COLS * 8] = POISON;

	put("\nDD");
	int redrawn = 0;
	for (int i = 0; i < ROWS * COLS; i++) {
		bool cursor = i == cursor_before || i == fake.cursor;
		bool kept = pixels[i / COLS * 16 * LINE + i % COLS * 8] == POISON;
		KEXPECT_EQ(kept, fake.text[i] == before[i] && !cursor);
		redrawn += !kept;
	}
	/* Of 24 cells: A stays A at (0,0)-(0,2), and 9 blanks stay blank. */
	KEXPECT_EQ(redrawn, 12);
	const char *const want[ROWS] = {"AAAB  x", "CCCC", "DD"};
	for (int row = 0; row < ROWS; row++)
		for (int col = 0; col < COLS; col++) {
			int i = row * COLS + col;
			if (i == fake.cursor || fake.text[i] == before[i])
				continue;
			char c = col < (int)strlen(want[row]) ? want[row][col] : ' ';
			KEXPECT(cell_shows(row, col, c, GREY, 0));
		}
}

/* What the log stream holds besides text: the clear the console sends, carriage
 * return, backspace, tab and a full line's wrap. */
KTEST(fbcon_controls_and_clear)
{
	KEXPECT(setup(BOOT_FB_RGB));
	attach();
	put("abc\rX\nab\b\tT");
	KEXPECT(row_shows(0, "Xbc", GREY, 0));
	KEXPECT(row_shows(1, "a", GREY, 0));
	KEXPECT_EQ(fake.row, 2); /* the tab went to the line's end; T wrapped */
	KEXPECT_EQ(fake.col, 1);
	KEXPECT(cell_shows(2, 0, 'T', GREY, 0));
	put("\x1b[2J\x1b[H");
	for (int i = 1; i < ROWS * COLS; i++) /* the cursor is in cell 0 */
		KEXPECT(cell_shows(i / COLS, i % COLS, ' ', GREY, 0));
	KEXPECT_EQ(fake.row, 0);
	KEXPECT_EQ(fake.col, 0);
	put("\x1b[3;5Hz");
	KEXPECT(cell_shows(2, 4, 'z', GREY, 0));
}
