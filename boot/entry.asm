; boot/entry.asm: the multiboot2 header and the boot CPU's path from GRUB's 32-bit protected mode
; (the same under BIOS and UEFI: Multiboot2 spec 3.3 "I386 machine state") to 64-bit C.
; Runs once, on the BSP, interrupts off, no stack until we set one.
;
; Steps: read the TSC (boot timings start here), check the loader's magic, zero .bss, check for
; long mode, identity-map the first 4 GiB with 2 MiB pages, enable PAE + LME + paging (Intel SDM
; Vol. 3A, 10.8.5 "Initializing IA-32e Mode"), load a 64-bit GDT, and call kmain(magic, info).

bits 32

MB2_MAGIC	equ 0xe85250d6
MB2_ARCH_I386	equ 0
COM1		equ 0x3f8

section .multiboot
align 8
mb2_header:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	; end tag
	dw 0
	dw 0
	dd 8
mb2_header_end:

section .text.boot
global mb2_entry
extern kmain
extern __bss_start, __bss_end

mb2_entry:
	cli
	cld
	mov ebp, eax			; the loader's magic
	rdtsc
	mov [boot_tsc], eax
	mov [boot_tsc + 4], edx
	mov [boot_magic], ebp
	mov [boot_info_phys], ebx

	; .bss holds the page tables and the stack, so clear it first.
	mov edi, __bss_start
	mov ecx, __bss_end
	sub ecx, edi
	xor eax, eax
	rep stosb
	mov esp, boot_stack_top

	; Long mode? (CPUID.80000001H:EDX bit 29)
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode
	mov [boot_nx], edx		; bit 20: NX, used below and by the APs

	call build_boot_page_tables

	mov eax, cr4
	or eax, 1 << 5			; PAE
	mov cr4, eax
	mov eax, boot_pml4
	mov cr3, eax
	mov ecx, 0xc0000080		; IA32_EFER
	rdmsr
	or eax, 1 << 8			; LME
	test dword [boot_nx], 1 << 20
	jz .no_nx
	or eax, 1 << 11			; NXE
.no_nx:
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | 1	; PG, WP, PE
	mov cr0, eax
	lgdt [boot_gdt_ptr]
	jmp 0x08:long_mode_entry

.no_long_mode:
	mov esi, msg_no_long_mode
	call early_serial_puts
.halt:
	hlt
	jmp .halt

; PML4[0] -> PDPT, PDPT[0..3] -> four page directories of 2 MiB pages covering 0..4 GiB.
; Only for the first C steps: mm/ replaces these with tables built from the memory map.
build_boot_page_tables:
	mov eax, boot_pdpt
	or eax, 0x3			; present, writable
	mov [boot_pml4], eax
	mov edi, boot_pdpt
	mov eax, boot_pd
	or eax, 0x3
	mov ecx, 4
.pdpt:
	mov [edi], eax
	add edi, 8
	add eax, 4096
	loop .pdpt
	mov edi, boot_pd
	mov eax, 0x83			; present, writable, 2 MiB page
	xor edx, edx			; high half of the address
	mov ecx, 2048
.pd:
	mov [edi], eax
	mov [edi + 4], edx
	add edi, 8
	add eax, 0x200000
	adc edx, 0
	loop .pd
	ret

; esi = NUL-terminated message. COM1 at 115200 8N1; enough to explain why we stop.
early_serial_puts:
	mov dx, COM1 + 3
	mov al, 0x80
	out dx, al
	mov dx, COM1
	mov al, 1
	out dx, al
	inc dx
	xor al, al
	out dx, al
	mov dx, COM1 + 3
	mov al, 3
	out dx, al
.next:
	lodsb
	test al, al
	jz .done
	mov ah, al
	mov dx, COM1 + 5
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	mov dx, COM1
	mov al, ah
	out dx, al
	jmp .next
.done:
	ret

bits 64
long_mode_entry:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rsp, boot_stack_top
	xor ebp, ebp
	mov edi, [boot_magic]
	mov esi, [boot_info_phys]
	call kmain
.hang:
	cli
	hlt
	jmp .hang

section .rodata
msg_no_long_mode:
	db "hv: this CPU has no 64-bit long mode; the hypervisor needs an x86-64 CPU with VMX", 13, 10
	db "hv: halted", 13, 10, 0

align 8
boot_gdt:
	dq 0
	dq 0x00af9a000000ffff		; 0x08: 64-bit code, DPL 0
	dq 0x00cf92000000ffff		; 0x10: data, DPL 0
boot_gdt_end:
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dq boot_gdt

section .data
global boot_tsc, boot_magic, boot_info_phys, boot_nx
align 8
boot_tsc:	dq 0
boot_magic:	dd 0
boot_info_phys:	dd 0
boot_nx:	dd 0

section .bss
global boot_pml4, boot_stack_guard, boot_stack_bottom, boot_stack_top
alignb 4096
boot_pml4:	resb 4096
boot_pdpt:	resb 4096
boot_pd:	resb 4 * 4096
; The guard page below the boot stack is left unmapped by mm/ so an overflow faults (and, as the
; fault cannot push on the stack, becomes a double fault on its IST stack).
boot_stack_guard:	resb 4096
boot_stack_bottom:	resb 16384
boot_stack_top:
