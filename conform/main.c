/* main.c — custrpc-conform's entry point; the program is conform.c. */
#include <config.h>

#include "conform.h"

int main(int argc, char **argv)
{
    return conform_main(argc, argv);
}
