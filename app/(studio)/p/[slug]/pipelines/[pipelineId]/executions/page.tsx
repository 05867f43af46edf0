import { notFound } from "next/navigation";
import { ExecutionList } from "~/components/executions/execution-list";
import { db } from "~/server/db";
import { pageProject } from "~/server/projects/page-project";

export const dynamic = "force-dynamic";

export default async function Executions({ params }: { params: Promise<{ slug: string; pipelineId: string }> }) {
  const { slug, pipelineId } = await params;
  const { project } = await pageProject(slug);
  const pipeline = await db().pipeline.findFirst({ where: { id: pipelineId, projectId: project.id }, select: { id: true, name: true } });
  if (!pipeline) notFound();
  return <ExecutionList project={{ id: project.id, slug: project.slug, name: project.name, permissions: project.permissions }} pipeline={pipeline} />;
}
