; vmx/vmx_entry.asm: the only code between the hypervisor's C and the guest. Root mode, the vCPU's
; own CPU, interrupts off. vmx_enter(regs, launched) saves the callee-saved host registers and the
; regs pointer on the stack, points HOST_RSP at that frame, loads the guest's registers and enters.
; A VM exit lands at vmx_exit_stub (HOST_RIP) with RSP = that frame (Intel SDM Vol. 3C, 28.5
; "Loading Host State": RSP and RIP come from the VMCS, the general registers are untouched, so the
; guest's values are still in them), saves the guest's registers and calls vmx_handle_exit() to
; handle the exit there and then (vmx/exit.c). When that says the guest can go straight back, the
; stub reloads the registers and resumes it; otherwise vmx_enter returns 0 to the loop in vcpu_run
; (vmx/vcpu.c), which has work to do first. That keeps the common exit short: save, handle,
; restore, VMRESUME.
;
; CR2 is not in the VMCS: the guest's value stays in the register while the hypervisor runs (the
; hypervisor takes no page faults; one would be fatal), so the stub saves it only when it returns
; to the loop, and only vmx_enter loads it.

%include "vmx/guest_regs.inc"
%include "vmx/vmcs_fields.inc"	; made from vmx/vmcs_fields.def (Makefile)

FRAME_RBP equ 6 * 8			; in vmx_enter's frame: regs, r15, r14, r13, r12, rbx, rbp

; rdi = the regs: every guest register but RAX (vmx_enter keeps a flag in it) and RDI (the
; pointer), which each caller loads last.
%macro LOAD_GUEST_REGS_BUT_RAX_RDI 0
	mov rbx, [rdi + GR_RBX]
	mov rcx, [rdi + GR_RCX]
	mov rdx, [rdi + GR_RDX]
	mov rsi, [rdi + GR_RSI]
	mov rbp, [rdi + GR_RBP]
	mov r8,  [rdi + GR_R8]
	mov r9,  [rdi + GR_R9]
	mov r10, [rdi + GR_R10]
	mov r11, [rdi + GR_R11]
	mov r12, [rdi + GR_R12]
	mov r13, [rdi + GR_R13]
	mov r14, [rdi + GR_R14]
	mov r15, [rdi + GR_R15]
%endmacro

bits 64
section .text
global vmx_enter, vmx_exit_stub
extern vmx_handle_exit

vmx_enter:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdi			; the regs pointer, found again at [rsp] on exit
	mov rax, VMCS_HOST_RSP
	vmwrite rax, rsp
	jbe .fail_write
	mov eax, esi			; launched?
	mov rcx, [rdi + GR_CR2]
	mov cr2, rcx
	LOAD_GUEST_REGS_BUT_RAX_RDI
	test eax, eax
	mov rax, [rdi + GR_RAX]		; mov leaves the flags of the test alone
	mov rdi, [rdi + GR_RDI]
	jnz .resume
	vmlaunch
	jmp .failed
.resume:
	vmresume
.failed:
	; VMfailInvalid sets CF, VMfailValid ZF (SDM Vol. 3C, 31.2 "Conventions").
	mov eax, 1
	jc .out
	mov eax, 2
	jmp .out
.fail_write:
	mov eax, 2
.out:
	pop rdi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

vmx_exit_stub:
	push rdi			; the guest's RDI; the regs pointer is now at [rsp + 8]
	mov rdi, [rsp + 8]
	mov [rdi + GR_RAX], rax
	mov [rdi + GR_RBX], rbx
	mov [rdi + GR_RCX], rcx
	mov [rdi + GR_RDX], rdx
	mov [rdi + GR_RSI], rsi
	mov [rdi + GR_RBP], rbp
	mov [rdi + GR_R8],  r8
	mov [rdi + GR_R9],  r9
	mov [rdi + GR_R10], r10
	mov [rdi + GR_R11], r11
	mov [rdi + GR_R12], r12
	mov [rdi + GR_R13], r13
	mov [rdi + GR_R14], r14
	mov [rdi + GR_R15], r15
	pop rax
	mov [rdi + GR_RDI], rax
	; A frame pointer for backtraces from the handlers: the saved host RBP in vmx_enter's frame,
	; with the return address into vcpu_run above it. RSP is 16-byte aligned here, as the call
	; needs (vmx_enter was called aligned and pushed seven registers after its return address).
	lea rbp, [rsp + FRAME_RBP]
	call vmx_handle_exit		; rdi: the regs, inside struct vcpu
	mov rdi, [rsp]
	test al, al
	jz .to_loop
	LOAD_GUEST_REGS_BUT_RAX_RDI
	mov rax, [rdi + GR_RAX]
	mov rdi, [rdi + GR_RDI]
	vmresume
	jmp vmx_enter.failed		; as from vmx_enter: the frame is the same
.to_loop:
	mov rax, cr2
	mov [rdi + GR_CR2], rax
	xor eax, eax
	jmp vmx_enter.out
