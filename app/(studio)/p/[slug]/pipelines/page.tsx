import { PipelineList } from "~/components/pipelines/pipeline-list";
import { pageProject } from "~/server/projects/page-project";

export const dynamic = "force-dynamic";

export default async function PipelinesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { project } = await pageProject((await params).slug);
  return <PipelineList project={{ id: project.id, slug: project.slug, name: project.name, permissions: project.permissions }} />;
}
