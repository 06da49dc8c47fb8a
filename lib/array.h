/* lib/array.h: ARRAY_SIZE, the element count of an array (not of a pointer: gcc's
 * -Wsizeof-pointer-div, on in -Wall, warns when it is handed one). For every C file of the project,
 * the 32-bit test guests and the host unit tests included. */
#ifndef LIB_ARRAY_H
#define LIB_ARRAY_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
