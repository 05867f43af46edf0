"use client";
/**
 * Saving and restoring revisions. Both can meet a newer revision on the server (someone saved meanwhile): the
 * server refuses with CONFLICT and their revision attached, and the editor opens the conflict dialog rather than
 * retrying — there is no path that overwrites another person's revision without the user seeing it.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/app/_trpc/client";
import { appErrorOf, type ClientAppError } from "~/app/_trpc/errors";
import { useEditor, useEditorApi } from "../store/editor-context";
import type { Theirs } from "./conflict-dialog";

export function useRevisionActions(projectId: string, pipelineId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const api = useEditorApi();
  const setSaveProblems = useEditor((s) => s.setSaveProblems);
  const [conflict, setConflict] = useState<Theirs | null>(null);
  const [banner, setBanner] = useState<ClientAppError | null>(null);

  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.pipeline.revisions.queryKey() });
  const failed = (error: unknown) => {
    const e = appErrorOf(error);
    setBanner(e);
    const theirs = e.code === "CONFLICT" ? (e.details?.theirs as Theirs | undefined) : undefined;
    if (theirs) setConflict(theirs);
    if (e.problems) setSaveProblems(e.problems);
  };

  const saveMutation = useMutation(trpc.pipeline.saveRevision.mutationOptions());
  const restoreMutation = useMutation(trpc.pipeline.restoreRevision.mutationOptions());

  const save = (message: string, done: () => void) => {
    const { yaml, baseRevision } = api.getState();
    saveMutation.mutate(
      { projectId, pipelineId, yaml, message, baseRevision },
      {
        onSuccess: (rev) => (api.getState().saved(rev.number, yaml), setBanner(null), refresh(), done()),
        onError: (error) => (failed(error), done()),
      },
    );
  };

  /** The old text becomes a new revision, and the editor continues from it. */
  const restore = (revision: { number: number; yaml: string }) => {
    restoreMutation.mutate(
      { projectId, pipelineId, number: revision.number, baseRevision: api.getState().baseRevision },
      {
        onSuccess: (rev) => (api.getState().load({ number: rev.number, yaml: revision.yaml }), setBanner(null), refresh()),
        onError: failed,
      },
    );
  };

  return { save, restore, saving: saveMutation.isPending, restoring: restoreMutation.isPending, conflict, closeConflict: () => setConflict(null), banner, clearBanner: () => setBanner(null) };
}
