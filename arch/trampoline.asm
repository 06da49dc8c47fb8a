; arch/trampoline.asm: the application processors' way from the real mode a SIPI starts them in to
; 64-bit C (Intel SDM Vol. 3A, 9.4.4 "MP Initialization Example" and 10.8.5). Never run in place:
; the BSP copies ap_trampoline_start..ap_trampoline_end to a free 4 KiB page below 1 MiB, fills
; the parameter block at its end (see arch/trampoline.h), and sends INIT-SIPI-SIPI with that page's
; number as the vector. The code is position-independent: real mode finds its base from CS, 32-bit
; mode keeps it in EBX, and 64-bit mode addresses the parameters RIP-relative.

section .rodata
align 4096
global ap_trampoline_start, ap_trampoline_end
global tramp_gdt_ptr, tramp_far32, tramp_far64, tramp_cr3, tramp_efer, tramp_stack, tramp_entry
global tramp_arg, tramp_gdt

%define OFF(x) ((x) - ap_trampoline_start)

bits 16
ap_trampoline_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	xor ebx, ebx
	mov bx, ax
	shl ebx, 4			; linear base of this page
	o32 lgdt [OFF(tramp_gdt_ptr)]
	mov eax, cr0
	or eax, 1			; PE
	mov cr0, eax
	jmp dword far [OFF(tramp_far32)]

bits 32
tramp_pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, 1 << 5			; PAE
	mov cr4, eax
	mov eax, [ebx + OFF(tramp_cr3)]
	mov cr3, eax
	mov ecx, 0xc0000080		; IA32_EFER: the BSP's LME/NXE
	rdmsr
	or eax, [ebx + OFF(tramp_efer)]
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | 1	; PG, WP, PE
	mov cr0, eax
	jmp dword far [ebx + OFF(tramp_far64)]

bits 64
tramp_lm64:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rsp, [rel tramp_stack]
	mov rdi, [rel tramp_arg]
	mov rax, [rel tramp_entry]
	xor ebp, ebp
	push 0				; a zero return address ends backtraces
	jmp rax

; Parameter block, filled by the BSP (arch/smp.c) for each AP in turn.
align 16
tramp_gdt:
	dq 0
	dq 0x00cf9a000000ffff		; 0x08: 32-bit code
	dq 0x00cf92000000ffff		; 0x10: data
	dq 0x00af9a000000ffff		; 0x18: 64-bit code
tramp_gdt_end:
tramp_gdt_ptr:
	dw tramp_gdt_end - tramp_gdt - 1
	dd 0				; linear address of tramp_gdt
tramp_far32:
	dd 0				; linear address of tramp_pm32
	dw 0x08
tramp_far64:
	dd 0				; linear address of tramp_lm64
	dw 0x18
align 8
tramp_cr3:	dq 0
tramp_efer:	dq 0
tramp_stack:	dq 0
tramp_entry:	dq 0
tramp_arg:	dq 0
global tramp_pm32_off, tramp_lm64_off
ap_trampoline_end:

section .rodata
tramp_pm32_off:	dq OFF(tramp_pm32)
tramp_lm64_off:	dq OFF(tramp_lm64)
