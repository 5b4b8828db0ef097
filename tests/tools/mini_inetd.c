/*
 * mini_inetd.c - a test-only inetd: listen on ADDRESS PORT, and for each of
 * at most COUNT connections run COMMAND with the connection on stdin and
 * stdout, as inetd does.  Exits after COUNT connections or SECONDS.
 *
 *   mini_inetd ADDRESS PORT COUNT SECONDS COMMAND [ARGS...]
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in a;
	struct pollfd p;
	time_t end;
	int fd, c, n, count, one = 1;

	if (argc < 6) {
		fprintf(stderr, "usage: mini_inetd ADDRESS PORT COUNT SECONDS COMMAND...\n");
		return 2;
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1)
		return 2;
	count = atoi(argv[3]);
	end = time(NULL) + atoi(argv[4]);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 8) < 0) {
		perror("mini_inetd: listen");
		return 1;
	}
	printf("mini_inetd listening\n");
	fflush(stdout);
	for (n = 0; n < count && time(NULL) < end;) {
		p.fd = fd;
		p.events = POLLIN;
		if (poll(&p, 1, 200) != 1)
			continue;
		if ((c = accept(fd, NULL, NULL)) < 0)
			continue;
		n++;
		if (fork() == 0) {
			close(fd);
			dup2(c, 0);
			dup2(c, 1);
			close(c);
			execvp(argv[5], argv + 5);
			_exit(127);
		}
		close(c);
	}
	close(fd);
	while (wait(NULL) > 0)
		;
	return 0;
}
