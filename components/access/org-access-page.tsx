"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf } from "~/app/_trpc/errors";
import { MappingsTable } from "./mappings-table";

/** Organisation-wide group → role rules (e.g. platform-admins → Admin everywhere). */
export function OrgAccessPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.access.orgMappings.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.access.orgMappings.queryKey() });
  const save = useMutation(trpc.access.saveOrgMapping.mutationOptions({ onSuccess: refresh }));
  const del = useMutation(trpc.access.deleteOrgMapping.mutationOptions({ onSuccess: refresh }));
  const err = list.error ?? save.error ?? del.error;
  return (
    <div className="page">
      <div className="page-head"><h1>Access</h1></div>
      {err && <div className="banner banner-error" style={{ marginBottom: 12 }}>{appErrorOf(err).message}</div>}
      <MappingsTable
        title="Organisation-wide group mappings"
        hint="A group mapped here gives its role in every project. Project pages add project-only mappings. Changes apply on the next request."
        mappings={list.data ?? []}
        canManage
        onSave={(group, role) => save.mutate({ group, role })}
        onDelete={(id) => del.mutate({ mappingId: id })}
      />
    </div>
  );
}
