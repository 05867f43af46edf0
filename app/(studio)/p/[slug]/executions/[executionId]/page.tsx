import { ExecutionPage } from "~/components/executions/execution-page";
import { pageProject } from "~/server/projects/page-project";

export const dynamic = "force-dynamic";

export default async function Execution({ params }: { params: Promise<{ slug: string; executionId: string }> }) {
  const { slug, executionId } = await params;
  const { project } = await pageProject(slug);
  return <ExecutionPage project={{ id: project.id, slug: project.slug, name: project.name, permissions: project.permissions }} executionId={executionId} />;
}
