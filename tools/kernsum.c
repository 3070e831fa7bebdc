/* kernsum: prints what boot/mbr.asm needs to load and verify a kernel image:
 *   KERNEL_SECTORS=<512-byte sectors>  KERNEL_SUM=<sum>
 * The sum runs over the image zero-padded to whole sectors, one little-endian dword
 * at a time: sum = sum * 31 + dword (mod 2^32), exactly as the boot sector computes
 * it. Every dword's weight depends on its position, so sectors out of order show. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SECTOR 512

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s kernel.bin\n", argv[0]);
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	uint32_t sum = 0;
	unsigned long sectors = 0;
	unsigned char sector[SECTOR];
	size_t got;
	while ((got = fread(sector, 1, SECTOR, f)) > 0) {
		for (size_t i = got; i < SECTOR; i++)
			sector[i] = 0;
		for (size_t i = 0; i < SECTOR; i += 4) {
			uint32_t dword = (uint32_t)sector[i] | (uint32_t)sector[i + 1] << 8 |
					 (uint32_t)sector[i + 2] << 16 |
					 (uint32_t)sector[i + 3] << 24;
			sum = sum * 31 + dword;
		}
		sectors++;
	}
	if (ferror(f)) {
		perror(argv[1]);
		return 1;
	}
	fclose(f);
	if (sectors == 0) {
		fprintf(stderr, "%s: empty kernel image\n", argv[1]);
		return 1;
	}
	printf("KERNEL_SECTORS=%lu KERNEL_SUM=0x%08x\n", sectors, (unsigned)sum);
	return 0;
}
