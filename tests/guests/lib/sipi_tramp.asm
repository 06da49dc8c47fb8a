; tests/guests/lib/sipi_tramp.asm: where an AP begins after a STARTUP IPI. Intel SDM Vol. 3A, 9.4.4
; "MP Initialization Example" (sections as numbered in the editions where the APIC is chapter 11;
; 8.4.4 before): the AP starts in real mode at CS:IP = (vector << 8):0000, i.e. at physical
; vector * 0x1000. These bytes are never run where the linker put them: sipi_install() (sipi.c)
; copies them to such a page below 1 MiB. So the 16-bit part is position-independent (it finds
; its own linear address in CS) and reaches the rest through offsets from sipi_tramp_start. It
; loads its own GDT, enters 32-bit protected mode (SDM Vol. 3A, 10.9.1 "Switching to Protected
; Mode"), counts this entry in sipi_entries[APIC id] and jumps to the library's AP entry with
; EAX = the APIC id, which is the vCPU index.
bits 16

SEL_CODE equ 0x08
SEL_DATA equ 0x10
CR0_PE   equ 1 << 0
CR0_NW   equ 1 << 29
CR0_CD   equ 1 << 30
MSR_APIC_BASE   equ 0x1b
APIC_BASE_EXTD  equ 1 << 10
X2APIC_ID_MSR   equ 0x802
XAPIC_ID_OFFSET equ 0x20

extern guest_ap_entry, sipi_entries, guest_max_vcpus
global sipi_tramp_start, sipi_tramp_end

%define OFF(label) (label - sipi_tramp_start)

section .text
align 16
sipi_tramp_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	movzx ebx, ax
	shl ebx, 4                          ; EBX = the linear address of this copy
	; The GDT descriptor and the far pointer hold linear addresses: fill them in for this copy.
	; Two APs running the same copy at once write the same values.
	lea eax, [ebx + OFF(tgdt)]
	mov [OFF(tgdt_desc) + 2], eax
	lea eax, [ebx + OFF(pm32)]
	mov [OFF(pm32_ptr)], eax
	o32 lgdt [OFF(tgdt_desc)]      ; o32: all 32 bits of the base
	; After INIT, CR0 is 0x60000010 (caches off; SDM Vol. 3A, 10.1.1, Table 10-1 "IA-32 and
	; Intel 64 Processor States Following Power-up, Reset, or INIT"): turn them on, enter PE.
	mov eax, cr0
	and eax, ~(CR0_CD | CR0_NW)
	or eax, CR0_PE
	mov cr0, eax
	jmp dword far [OFF(pm32_ptr)]      ; loads CS from the new GDT

bits 32
pm32:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	; The APIC id, in whichever mode INIT left the APIC (x2APIC survives INIT, SDM 11.12.5.1).
	mov ecx, MSR_APIC_BASE
	rdmsr
	test eax, APIC_BASE_EXTD
	jnz .x2apic
	and eax, 0xfffff000                 ; the base (paging is off: physical = linear)
	mov eax, [eax + XAPIC_ID_OFFSET]
	shr eax, 24
	jmp .have_id
.x2apic:
	mov ecx, X2APIC_ID_MSR
	rdmsr
.have_id:
	cmp eax, [guest_max_vcpus]
	jae .go                             ; no slot: guest_ap_entry halts it
	lock inc dword [sipi_entries + eax * 4]
.go:
	mov ecx, guest_ap_entry             ; absolute: a relative jump would be off in the copy
	jmp ecx

align 8
tgdt:                                   ; the same selectors as entry.asm's GDT
	dq 0
	dq 0x00cf9a000000ffff               ; 0x08: flat 32-bit code
	dq 0x00cf92000000ffff               ; 0x10: flat data
tgdt_end:
tgdt_desc:
	dw tgdt_end - tgdt - 1
	dd 0                                ; linear address of tgdt, filled in at run time
pm32_ptr:
	dd 0                                ; linear address of pm32, filled in at run time
	dw SEL_CODE
sipi_tramp_end:

section .note.GNU-stack noalloc noexec nowrite progbits
