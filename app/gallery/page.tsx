import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Suspense } from "react";
import { GalleryPage } from "@/components/gallery/gallery-page";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("gallery");
  return { title: `${t("title")} · MJ Studio` };
}

export default function Gallery() {
  // The view lives in the URL (useSearchParams), read on the client.
  return (
    <Suspense>
      <GalleryPage />
    </Suspense>
  );
}
