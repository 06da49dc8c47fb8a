; tests/guests/vmtest/longmode_asm.asm: lm_run(results) (longmode.c), the part of the long-mode
; suite that must be assembly. Called in 32-bit protected mode with paging off, CR3 = the 4-level
; tables, CR4.PAE and EFER.LME set. It turns paging on with a MOV to CR0 that also flips CR0.NE
; (kept by the hypervisor's CR0 guest/host mask, so the write exits) which activates IA-32e mode
; (SDM Vol. 3A, 10.8.5 "Initializing IA-32e Mode"), far-jumps to the 64-bit code segment, runs the
; checks, returns to compatibility mode by a far return and turns paging off with another exiting
; MOV to CR0 (10.8.5.4 "Switching Out of IA-32e Mode Operation"), which clears EFER.LMA.
bits 32

SEL_KERNEL_CODE equ 0x08
SEL_CODE64      equ 0x30
CR0_NE          equ 1 << 5
CR0_PG          equ 1 << 31
NO_DEVICE_PORT  equ 0x1234
APIC_TPR        equ 0xfee00080
MOV_CR8_LEN     equ 4             ; 44 0F 22 C0: MOV CR8, RAX

; struct lm_results in longmode.c, field by field.
R_IN32  equ 0
R_IN8   equ 8
R_IN16  equ 16
R_CR8   equ 24                    ; 16 bytes: CR8 read back after writing 0..15
R_TPR   equ 40                    ; 16 dwords: the APIC's TPR after each write
R_GP    equ 104                   ; #GPs taken by the MOV CR8 with bit 4 set
R_CR8GP equ 108                   ; CR8 after that refused write
R_IDT64 equ 112                   ; the 64-bit IDTR (limit, base) to load

global lm_run, lm_gp_handler

section .text
lm_run:
	push ebp
	push ebx
	push esi
	push edi
	mov esi, [esp + 20]
	mov eax, cr0
	xor eax, CR0_NE
	or eax, CR0_PG
	mov cr0, eax                     ; exits; IA-32e mode, in compatibility mode
	jmp SEL_CODE64:lm64

bits 64
lm64:
	mov esi, esi                     ; RSI = the results, zero-extended
	lidt [rsi + R_IDT64]
	; IN EAX zero-extends into RAX; IN AL and IN AX keep the rest (SDM Vol. 1, 3.4.1.1).
	mov dx, NO_DEVICE_PORT
	mov rax, 0xdeadbeef12345678
	in eax, dx
	mov [rsi + R_IN32], rax
	mov rax, 0xdeadbeefcafebabe
	in al, dx
	mov [rsi + R_IN8], rax
	mov rax, 0xdeadbeefcafebabe
	in ax, dx
	mov [rsi + R_IN16], rax
	; MOV CR8 writes the TPR's priority class (SDM Vol. 3A, 11.8.6.1).
	mov edi, APIC_TPR                ; zero-extended: a [disp32] would be sign-extended
	xor ecx, ecx
.cr8:
	mov rax, rcx
	mov cr8, rax
	mov rax, cr8
	mov [rsi + R_CR8 + rcx], al
	mov eax, [rdi]
	mov [rsi + R_TPR + rcx * 4], eax
	inc ecx
	cmp ecx, 16
	jb .cr8
	mov eax, 5
	mov cr8, rax
	mov rax, 0x10                    ; bit 4: reserved, #GP
	mov cr8, rax
	mov rax, cr8
	mov [rsi + R_CR8GP], eax
	xor eax, eax
	mov cr8, rax
	; Back to compatibility mode: a far return to the 32-bit code segment.
	lea rax, [rel lm_compat]
	push qword SEL_KERNEL_CODE
	push rax
	o64 retf

; The 64-bit #GP gate: count it and skip the MOV CR8 (the only instruction here that faults).
lm_gp_handler:
	inc dword [rsi + R_GP]
	add qword [rsp + 8], MOV_CR8_LEN ; above the error code: RIP
	add rsp, 8
	iretq

bits 32
lm_compat:
	mov eax, cr0
	xor eax, CR0_NE                  ; NE back as the caller had it
	and eax, ~CR0_PG
	mov cr0, eax                     ; exits; leaves IA-32e mode
	pop edi
	pop esi
	pop ebx
	pop ebp
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
