; arch/trap_entry.asm: the 256 interrupt/exception entry stubs and the common path into C.
; Any CPU, interrupts off on entry (all gates are interrupt gates). Each stub makes the stack look
; the same (an error code, real or 0, then the vector) so trap_dispatch() gets one frame layout:
; struct trap_frame in arch/trap.h, whose field order is the reverse of the pushes below.

bits 64
section .text

extern trap_dispatch
global trap_stubs

; Vectors for which the CPU pushes an error code (Intel SDM Vol. 3A, 6.15, "Exception and
; Interrupt Reference"): #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17, #CP 21, #VC 29,
; #SX 30.
%macro TRAP_STUB 1
align 16
trap_stub_%1:
%if %1 = 8 || %1 = 10 || %1 = 11 || %1 = 12 || %1 = 13 || %1 = 14 || %1 = 17 || %1 = 21 \
	|| %1 = 29 || %1 = 30
%else
	push 0
%endif
	push %1
	jmp trap_common
%endmacro

%assign v 0
%rep 256
	TRAP_STUB v
%assign v v+1
%endrep

trap_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	call trap_dispatch
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16		; vector and error code
	iretq

section .rodata
align 8
trap_stubs:
%assign v 0
%rep 256
	dq trap_stub_%[v]
%assign v v+1
%endrep
