export declare const REPO_ROOT: string;
export declare const WEB_DIR: string;
export declare const WEB_DIST: string;
export declare function webBuildStaleReason(): string | null;
export declare function buildWeb(options?: { quiet?: boolean }): void;
export declare function ensureWebBuild(options?: { quiet?: boolean; force?: boolean }): string | null;
