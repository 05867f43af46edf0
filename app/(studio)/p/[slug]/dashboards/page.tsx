import { notFound } from "next/navigation";
import { DashboardsPage } from "~/components/dashboards/dashboards-page";
import { pageProject } from "~/server/projects/page-project";
import { can } from "~/server/rbac";

export const dynamic = "force-dynamic";

export default async function ProjectDashboardsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { user, project } = await pageProject((await params).slug);
  if (!project.permissions.includes("dashboard.read")) notFound();
  // Delegates are organisation-wide: their health needs an organisation role (dashboard.delegates is orgProcedure).
  return <DashboardsPage project={{ id: project.id, slug: project.slug, name: project.name }} canSeeDelegates={can(user.orgRole, "delegate.read")} />;
}
