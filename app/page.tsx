import { CreatePage } from "@/components/create/create-page";

export default function HomePage() {
  return <CreatePage />;
}
