import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { getSessionUser } from "../auth/session";
import { db } from "../db";
import { getProjectBySlug } from "./list-projects";

/** For pages under /p/[slug]: the signed-in user and the project with their permissions, or sign-in / 404. */
export async function pageProject(slug: string) {
  const user = await getSessionUser(await headers());
  if (!user) redirect("/signin");
  const project = await getProjectBySlug({ db: db(), user, slug });
  if (!project) notFound();
  return { user, project };
}
