"use client";

import { Images, Sparkles } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/cn";

/**
 * The header's two destinations. Below `sm` only the icons show (the words stay as the links'
 * names), so the header fits a 360 px phone in every language; no label ever wraps. The page
 * being shown is marked, since on a phone the icons alone must say where one is.
 */
export function MainNav({ label, create, gallery }: { label: string; create: string; gallery: string }) {
  const links = [
    { href: "/", text: create, Icon: Sparkles },
    { href: "/gallery", text: gallery, Icon: Images },
  ] as const;
  const pathname = usePathname();
  return (
    <nav
      aria-label={label}
      className="flex shrink-0 items-center gap-0.5 text-sm whitespace-nowrap sm:ml-2 sm:gap-2"
    >
      {links.map(({ href, text, Icon }) => (
        <Link
          key={href}
          href={href}
          title={text}
          aria-current={pathname === href ? "page" : undefined}
          className={cn(
            "inline-flex items-center gap-1.5 rounded-md p-2 hover:bg-zinc-200 sm:px-2 sm:py-1 dark:hover:bg-zinc-800",
            pathname === href && "bg-zinc-200/70 font-medium dark:bg-zinc-800/70",
          )}
        >
          <Icon className="size-4 shrink-0" aria-hidden />
          <span className="max-sm:sr-only">{text}</span>
        </Link>
      ))}
    </nav>
  );
}
