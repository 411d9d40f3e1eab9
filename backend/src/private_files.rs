//! The folders and files the server makes for itself (the data folder, the SQLite database, the key file,
//! development mail) are readable by the user it runs as and no one else: folders 0700, files 0600.
//! Elsewhere than on Unix these are plain file operations.

use std::fs;
use std::io;
use std::path::Path;

/// Creates `dir` and its missing parents, each with mode 0700. A folder that already exists keeps its mode:
/// it may be one the operator chose, such as `/var/lib`.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates the file empty with mode 0600 unless it exists; an existing one loses any access by group and
/// others.
pub fn ensure_file(path: &Path) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => restrict(path),
        Err(e) => Err(e),
    }
}

/// Takes away any access by group and others from a file or folder of ours that exists.
pub fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Whether group or others may access `path` (false where there are no such modes).
pub fn is_open_to_others(path: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(fs::metadata(path)?.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        fs::metadata(path).map(|_| false)
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_folders_are_private_down_the_whole_path() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("a/b/c");
        create_dir_all(&deep).unwrap();
        for dir in ["a", "a/b", "a/b/c"] {
            assert_eq!(mode(&tmp.path().join(dir)), 0o700, "{dir}");
        }
        // Again: nothing to do, no error.
        create_dir_all(&deep).unwrap();
    }

    #[test]
    fn a_folder_that_exists_keeps_its_mode() {
        let tmp = tempfile::tempdir().unwrap();
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
        create_dir_all(tmp.path()).unwrap();
        assert_eq!(mode(tmp.path()), 0o755);
        assert!(is_open_to_others(tmp.path()).unwrap());
    }

    #[test]
    fn files_are_created_private_and_existing_ones_are_tightened() {
        let tmp = tempfile::tempdir().unwrap();
        let new = tmp.path().join("new.db");
        ensure_file(&new).unwrap();
        assert_eq!(mode(&new), 0o600);
        assert!(!is_open_to_others(&new).unwrap());

        let old = tmp.path().join("old.db");
        fs::write(&old, b"content").unwrap();
        fs::set_permissions(&old, fs::Permissions::from_mode(0o644)).unwrap();
        ensure_file(&old).unwrap();
        assert_eq!(mode(&old), 0o600);
        assert_eq!(fs::read(&old).unwrap(), b"content", "the content is kept");
    }
}
