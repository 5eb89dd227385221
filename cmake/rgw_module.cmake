# rgw_module(<name> DIRS <folder>... SOURCES <file>... [DEPENDS <target>...] [PRIVATE_DEPENDS <target>...])
#
# One module of the layered design (docs/architecture.md): a library rgw_<name> (alias rgw::<name>) whose headers
# are visible only to itself and to the targets that link it. Each module's headers are linked, under their
# repository paths, into an include directory of its own in the build tree; include directories travel along link
# edges, so an #include of a module that is not a dependency does not compile.
function(rgw_module name)
  cmake_parse_arguments(M "" "" "DIRS;SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(rgw_${name} ${M_SOURCES})
  add_library(rgw::${name} ALIAS rgw_${name})
  set(root ${CMAKE_BINARY_DIR}/include/${name})
  file(REMOVE_RECURSE ${root})  # a header moved or deleted must not stay reachable
  foreach(dir ${M_DIRS})
    file(GLOB headers CONFIGURE_DEPENDS RELATIVE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/${dir}/*.hpp ${PROJECT_SOURCE_DIR}/${dir}/*.inc)
    foreach(header ${headers})
      get_filename_component(folder ${root}/${header} DIRECTORY)
      file(MAKE_DIRECTORY ${folder})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${header} ${root}/${header} SYMBOLIC)
    endforeach()
  endforeach()
  target_include_directories(rgw_${name} PUBLIC ${root})
  target_link_libraries(rgw_${name} PUBLIC ${M_DEPENDS} PRIVATE ${M_PRIVATE_DEPENDS})
  set_property(GLOBAL APPEND PROPERTY RGW_MODULES rgw_${name})
endfunction()
