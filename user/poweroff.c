/* poweroff [-r]: turns the machine off (or restarts it with -r) through reboot(2),
 * with Linux's magic numbers, as busybox's poweroff does once init has stopped. */
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int restart = argc > 1 && strcmp(argv[1], "-r") == 0;
	sync();
	reboot(restart ? RB_AUTOBOOT : RB_POWER_OFF);
	perror("poweroff: reboot");
	return 1;
}
