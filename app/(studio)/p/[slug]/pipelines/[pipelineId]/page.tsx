import { notFound } from "next/navigation";
import { PipelineEditorLoader } from "~/components/editor/pipeline-editor-loader";
import { db } from "~/server/db";
import { isAppError } from "~/server/errors";
import { getPipeline } from "~/server/pipelines/get-pipeline";
import { pageProject } from "~/server/projects/page-project";
import { can } from "~/server/rbac";

export const dynamic = "force-dynamic";

export default async function PipelinePage({ params }: { params: Promise<{ slug: string; pipelineId: string }> }) {
  const { slug, pipelineId } = await params;
  const { project } = await pageProject(slug);
  if (!can(project.role, "pipeline.read")) notFound();
  const pipeline = await getPipeline({ db: db(), projectId: project.id, pipelineId }).catch((e: unknown) => {
    if (isAppError(e) && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  // Rendered in the browser only (see pipeline-editor-loader.tsx).
  return (
    <PipelineEditorLoader
      project={{ id: project.id, slug: project.slug, name: project.name, permissions: project.permissions }}
      pipeline={{ id: pipeline.id, name: pipeline.name, headRevision: pipeline.headRevision, yaml: pipeline.head.yaml, layout: pipeline.layout }}
    />
  );
}
