/* tests/guests/apictest/vcpus.h: the number of vCPUs to test. vCPU 0, once. */
#ifndef GUEST_APICTEST_VCPUS_H
#define GUEST_APICTEST_VCPUS_H

#include <stdint.h>

/* The VM's vCPU count (at least 1), at most `max`, saying so when it cuts. */
uint32_t vcpus_count(uint32_t max);

#endif
