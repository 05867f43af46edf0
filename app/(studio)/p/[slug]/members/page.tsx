import { MembersPage } from "~/components/access/members-page";
import { pageProject } from "~/server/projects/page-project";

export const dynamic = "force-dynamic";

export default async function Members({ params }: { params: Promise<{ slug: string }> }) {
  const { project } = await pageProject((await params).slug);
  return <MembersPage project={{ id: project.id, slug: project.slug, name: project.name, permissions: project.permissions }} />;
}
