import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ProjectList } from "~/components/shell/project-list";
import { getSessionUser } from "~/server/auth/session";
import { db } from "~/server/db";
import { listProjects } from "~/server/projects/list-projects";

export const dynamic = "force-dynamic";

/** Home: straight into the only project, or a list to pick from (or a hint when the user has none yet). */
export default async function Home() {
  const user = await getSessionUser(await headers());
  if (!user) redirect("/signin");
  const projects = await listProjects({ db: db(), user });
  if (projects.length === 1) redirect(`/p/${projects[0]!.slug}/pipelines`);
  return <ProjectList projects={projects.map((p) => ({ slug: p.slug, name: p.name, description: p.description, role: p.role, pipelineCount: p.pipelineCount }))} />;
}
