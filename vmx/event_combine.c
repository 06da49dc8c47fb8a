/* vmx/event_combine.c: Tables 6-4 and 6-5 of SDM Vol. 3A (see vmx/event_combine.h). */
#include <stdbool.h>

#include "vmx/event_combine.h"
#include "vmx/vmcs_fields.h"

#define VEC_DF 8

enum exc_class exc_class(uint8_t vector)
{
	switch (vector) {
	case 0:
	case 10:
	case 11:
	case 12:
	case 13:
	case 21:
		return EXC_CONTRIBUTORY;
	case 14:
	case 20:
		return EXC_PAGE_FAULT;
	case VEC_DF:
		return EXC_DOUBLE_FAULT;
	default:
		return EXC_BENIGN;
	}
}

enum event_combination event_combine(uint32_t earlier, uint8_t vector)
{
	uint32_t type = INTR_INFO_TYPE(earlier);
	enum exc_class first = exc_class((uint8_t)earlier), second = exc_class(vector);
	bool serious = second == EXC_CONTRIBUTORY || second == EXC_PAGE_FAULT;

	if (type == INTR_TYPE_EXTERNAL || type == INTR_TYPE_NMI)
		return EVENT_NEW_THEN_EARLIER;
	if (type != INTR_TYPE_HW_EXCEPTION) /* INT n, INT1, INT3, INTO: benign */
		return EVENT_NEW_REPLACES;
	if (first == EXC_DOUBLE_FAULT && serious)
		return EVENT_TRIPLE_FAULT;
	if ((first == EXC_CONTRIBUTORY && second == EXC_CONTRIBUTORY) ||
	    (first == EXC_PAGE_FAULT && serious))
		return EVENT_DOUBLE_FAULT;
	return EVENT_NEW_REPLACES;
}
