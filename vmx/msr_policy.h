/* vmx/msr_policy.h: the one MSR table (vmx/msr_table.c: what a vCPU may read or write without a
 * VM exit, what the hypervisor emulates and the handler that does it, what raises #GP) and the
 * MSR-bitmap layout built from it. A live vCPU's bitmap is written through vcpu_msr_bitmap()
 * (vmx/vcpu.h), which checks the design rule. */
#ifndef VMX_MSR_POLICY_H
#define VMX_MSR_POLICY_H

#include <stdbool.h>
#include <stdint.h>

enum msr_action {
	MSR_GP = 0,  /* exit and inject #GP: not an MSR this VM has */
	MSR_PASS,    /* no exit: the guest uses the real MSR, switched by the VMCS or unused by the host */
	MSR_EMULATE, /* exit; the entry's handler answers */
};

/* An emulated MSR's handler, beside its entry in the table: in its RDMSR/WRMSR exit, on the
 * vCPU's own CPU. MSR_FAULT makes the exit raise #GP with a log line naming the MSR;
 * MSR_FAULT_SAID raises it without one (the handler said why, or it is an x2APIC access the
 * guest's mode does not allow). */
struct vcpu;
enum msr_result { MSR_DONE = 0, MSR_FAULT, MSR_FAULT_SAID };
typedef enum msr_result msr_read_fn(struct vcpu *v, uint32_t msr, uint64_t *value);
typedef enum msr_result msr_write_fn(struct vcpu *v, uint32_t msr, uint64_t value);

struct msr_policy_entry {
	uint32_t first, last; /* an inclusive range of MSR indexes */
	const char *name;
	uint8_t read, write; /* enum msr_action */
	/* Exactly when read (write) is MSR_EMULATE: its handler (a host test checks). */
	msr_read_fn *rd;
	msr_write_fn *wr;
};

/* The policy for one MSR; unlisted MSRs get the MSR_GP entry named "unknown". */
const struct msr_policy_entry *msr_policy_find(uint32_t msr);
const struct msr_policy_entry *msr_policy_table(unsigned *count);

/* IA32_MISC_ENABLE: its value after reset (fast strings; no PMU, so no BTS or PEBS) and a
 * guest's write: false for a #GP, else *out is the new value. */
#define MISC_ENABLE_FAST_STRINGS (1ull << 0)
#define MISC_ENABLE_EMON (1ull << 7)
#define MISC_ENABLE_BTS_UNAVAIL (1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ull << 12)
#define MISC_ENABLE_READ_ONLY (MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)
#define MISC_ENABLE_RESET (MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_READ_ONLY)
bool msr_misc_enable_write(uint64_t old, uint64_t value, uint64_t *out);

/* A vCPU's TSC: its offset from the host's (the VMCS TSC offset, unsigned arithmetic mod 2^64)
 * and its IA32_TSC_ADJUST, as the guest's writes of either MSR change them. */
struct msr_tsc {
	uint64_t offset, adjust;
};
void msr_tsc_write_adjust(struct msr_tsc *t, uint64_t value);
void msr_tsc_write_tsc(struct msr_tsc *t, uint64_t host_tsc, uint64_t value);

/* The MSR bitmap (Intel SDM Vol. 3C, 25.6.9 "MSR-Bitmap Address"): one 4 KiB page, four 1 KiB
 * quarters: reads of 0x0-0x1fff, reads of 0xc0000000-0xc0001fff, then the same two for writes.
 * A set bit means "VM exit". MSRs outside both ranges always exit. */
#define MSR_BITMAP_SIZE 4096
void msr_bitmap_build(uint8_t *bitmap);
bool msr_bitmap_in_range(uint32_t msr);
bool msr_bitmap_exits(const uint8_t *bitmap, uint32_t msr, bool write);
/* On a vCPU's bitmap only through vcpu_msr_bitmap() (vmx/vcpu.h). */
void msr_bitmap_set_exit(uint8_t *bitmap, uint32_t msr, bool write, bool exits);

/* The x2APIC range (0x800-0x8ff) of a vCPU's bitmap for its APIC mode: everything exits (NULL:
 * xAPIC or disabled mode, or no "virtualize x2APIC mode"), or what the CPU virtualizes opens. */
struct msr_x2apic_open {
	bool virt_x2apic; /* "virtualize x2APIC mode" */
	bool reg_virt;    /* APIC-register virtualization */
	bool tpr;         /* use TPR shadow */
	bool vid;         /* virtual-interrupt delivery */
};
void msr_bitmap_x2apic(uint8_t *bitmap, const struct msr_x2apic_open *o);

/* Lists what differs from "everything exits", grouped into runs of MSRs with the same access, one
 * call per run (for the `msrbitmap` log dump and the shell). `access` is "r-", "-w" or "rw" for
 * what passes without an exit. */
typedef void (*msr_bitmap_run_fn)(uint32_t first, uint32_t last, const char *access, void *ctx);
unsigned msr_bitmap_describe(const uint8_t *bitmap, msr_bitmap_run_fn fn, void *ctx);

#endif
