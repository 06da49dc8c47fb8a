/* arch/time.h: time from the TSC. boot_tsc is read by the very first instruction of the image;
 * time_calibrate() (BSP, once) measures the TSC rate, after which log lines carry microseconds. */
#ifndef ARCH_TIME_H
#define ARCH_TIME_H

#include <stdbool.h>
#include <stdint.h>

extern uint64_t boot_tsc; /* written by boot/entry.asm */

void time_calibrate(void);
uint64_t time_ticks_since_boot(void);
/* Microseconds since the first instruction; false before calibration. */
bool time_now_us(uint64_t *us);
uint64_t time_tsc_hz(void);
/* Busy-wait (only used where the SDM asks for delays, e.g. INIT-SIPI-SIPI). */
void udelay(uint64_t us);

#endif
