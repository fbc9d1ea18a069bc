import { Suspense } from "react";
import { CreatePage } from "@/components/create/create-page";

export default function HomePage() {
  // A prompt or reference handed over from the gallery arrives in the URL (useSearchParams).
  return (
    <Suspense>
      <CreatePage />
    </Suspense>
  );
}
