// The shapes of the `data-lk-edit`, `data-lk-share`, `data-lk-category-edit`…
// attributes (core/hooks: entry-rows-model.ts, admin-pages.ts, client-area.ts).

/** Someone an entry is shared with, or a member of a category. */
export interface Principal {
  kind: string;
  id: string;
  canEdit: boolean;
  /** Grants only: edit and share. */
  canShare?: boolean;
  /** The name the page knew it by, for the dialogs' lists. */
  name?: string;
}

/** An entry as its row offers it to the dialogs: no secret, only whether it has one. */
export interface EditableEntry {
  id: string;
  version: number;
  name: string;
  username?: string | null;
  websiteUrl?: string | null;
  loginUrl?: string | null;
  categoryId?: string | null;
  categoryName?: string | null;
  sharedWithAdmin?: boolean;
  private?: boolean;
  canShare?: boolean;
  /** To staff: their choice for the client (null: the default). To a client: what it may do with each field. */
  clientFieldAccess?: Record<string, string> | null;
  reminderDays?: number | null;
  notifyOnChange?: boolean;
  hasPassword?: boolean;
  hasNotes?: boolean;
  hasTotp?: boolean;
  ownerKind?: string;
  isOwner?: boolean;
  grants?: Principal[];
  tags?: string[];
  /** The contact and device of the host the entry is linked to. */
  contactId?: string | null;
  deviceId?: string | null;
}

export interface EditableCategory {
  id: string;
  name: string;
  members?: Principal[];
  /** A client's category seen by staff: they rename it, its members are the client's to say. */
  renameOnly?: boolean;
}

/** Something a confirm dialog deletes: its name is shown, its id and version sent. */
export interface Deletable {
  id: string;
  name: string;
  version?: number;
}

/** A button of an addon section that asks first: the action it posts, with its input. */
export interface AddonConfirm {
  action: string;
  input: unknown;
}

/** The JSON in a `data-lk-*` attribute, as the template wrote it. */
export function parseEditable<T>(json: string): T {
  return JSON.parse(json) as T;
}
