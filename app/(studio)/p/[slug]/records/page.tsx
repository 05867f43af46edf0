import { RecordsPage } from "~/components/records/records-page";
import { pageProject } from "~/server/projects/page-project";

export const dynamic = "force-dynamic";

export default async function Records({ params }: { params: Promise<{ slug: string }> }) {
  const { project } = await pageProject((await params).slug);
  return <RecordsPage project={{ id: project.id, slug: project.slug, name: project.name, permissions: project.permissions }} />;
}
